/**
 * Markdown as a reader sees it: parsed by a real parser (remark, as prettier ships it), so a
 * test can ask which HTML, headings, mentions and code spans a rendered body really holds.
 */
import * as prettierMarkdown from 'prettier/plugins/markdown';

export interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

export async function parseMarkdown(text: string): Promise<MdNode> {
  const parser = (
    prettierMarkdown as unknown as {
      parsers: { markdown: { parse: (text: string, options: object) => Promise<MdNode> } };
    }
  ).parsers.markdown;
  return parser.parse(text, {});
}

export function nodesOf(node: MdNode): MdNode[] {
  return [node, ...(node.children ?? []).flatMap(nodesOf)];
}

export function textOf(node: MdNode): string {
  return node.value ?? (node.children ?? []).map(textOf).join('');
}

/** A mention GitHub would act on: `@name` in text (not code) with no word joiner after `@`. */
const MENTION = /(^|[^\w`])@[A-Za-z0-9]/;

/**
 * What a hostile value must never become in a rendered body: HTML other than driftgate's own
 * `<sub>` and its records, a heading, a mention, a link or an image.
 */
export async function activeMarkdown(body: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of nodesOf(await parseMarkdown(body))) {
    if (node.type === 'html' && !/^(<\/?sub>|<!-- driftgate:\w+ \S+ \S+ -->)$/.test(node.value!))
      found.push(`html ${node.value}`);
    if (node.type === 'heading' && /heading/.test(textOf(node)))
      found.push(`heading ${textOf(node)}`);
    if (node.type === 'text' && MENTION.test(node.value!)) found.push(`mention in ${node.value}`);
    if (
      ['link', 'image', 'linkReference', 'imageReference', 'footnoteReference'].includes(node.type)
    )
      found.push(`${node.type} ${textOf(node)}`);
  }
  return found;
}
