/**
 * Planning edits of nested blocks, by the provider's block kinds (providers/aws/blocks.ts):
 * set-nested blocks (`ingress`, `route`, `aws_autoscaling_group`'s `tag`) are found by
 * content, never by index; list-nested blocks (`metadata_options`, `root_block_device`,
 * `block_device_mappings`) by their position among the literal blocks of their type.
 * Removing the last block of an attributes-as-blocks set writes `ingress = []`, so
 * Terraform keeps managing (and emptying) that set. Pure.
 */
import type { AttributeChange } from '../../drift/model.js';
import type { BlockSchema, ResourceBlocks } from '../../providers/aws/blocks.js';
import type { HclBlock, HclValue } from '../../terraform/hcl-syntax.js';
import { formatPath, type AttributePath } from '../../terraform/path.js';
import { attributeOf, type ResourceDeclaration } from '../../terraform/stack.js';
import type { EvaluationContext } from './evaluate.js';
import { indentAt } from './hcl-format.js';
import { blockMatches, isObject, renderBlock } from './block-content.js';
import {
  fileText,
  isEmpty,
  lineEndOf,
  lineStartOf,
  refuse,
  whereBlock,
  type Step,
  type TextEdit,
} from './plan-common.js';
import { ensureExpressionValue, ensureMapKey, insertAttribute } from './plan-values.js';

/** The whole lines of a block, with the comment lines directly above it. */
function blockLines(text: string, start: number, end: number): { from: number; to: number } {
  let from = lineStartOf(text, start);
  while (from > 0) {
    const previous = lineStartOf(text, from - 1);
    if (!/^\s*(#|\/\/)/.test(text.slice(previous, from))) break;
    from = previous;
  }
  return { from, to: lineEndOf(text, end) };
}

/** Remove whole lines, with the comment lines directly above, and a blank line left doubled or stray. */
export function removeLinesEdit(text: string, file: string, start: number, end: number): TextEdit {
  let { from, to } = blockLines(text, start, end);
  const beforeStart = from > 0 ? lineStartOf(text, from - 1) : 0;
  const before = from > 0 ? text.slice(beforeStart, from) : '';
  const after = text.slice(to, lineEndOf(text, to));
  const blank = (line: string) => line.trim() === '';
  if (from > 0 && blank(before) && (blank(after) || /^\s*}/.test(after))) {
    // Blank above and blank (or the closing brace) below: drop the blank line above.
    from = beforeStart;
  } else if (from > 0 && /{\s*$/.test(before) && blank(after) && to < text.length) {
    // First thing in its body, followed by a blank line: drop that blank line.
    to = lineEndOf(text, to);
  }
  return { file, start: from, end: to, text: '' };
}

function dynamicBlockOf(body: HclBlock, type: string): HclBlock | undefined {
  return body.blocks.find((block) => block.type === 'dynamic' && block.labels[0] === type);
}

/**
 * Added and removed elements of one set-nested block type (`ingress[3]` with one side null),
 * planned together: several additions into `ingress = []` become one edit, and removing
 * every block of an attributes-as-blocks type leaves `type = []`.
 */
export function planSetElements(
  context: EvaluationContext,
  declaration: ResourceDeclaration,
  type: string,
  schema: BlockSchema | undefined,
  changes: AttributeChange[],
): Step[] {
  const resource = declaration.block;
  const text = fileText(context, resource.file);
  const blocks = resource.blocks.filter((block) => block.type === type);
  const emptyForm = attributeOf(resource, type);
  const steps: Step[] = [];
  const addedElements: Record<string, unknown>[] = [];
  const removed: HclBlock[] = [];
  for (const change of changes) {
    const changePath = formatPath(change.path);
    if (isObject(change.live) && change.recorded === null) {
      const element = change.live;
      if (blocks.some((block) => blockMatches(context, block, element, schema)))
        steps.push({ unchanged: changePath });
      else addedElements.push(element);
      continue;
    }
    if (change.live === null && isObject(change.recorded)) {
      const element = change.recorded;
      const match = blocks.find(
        (block) => !removed.includes(block) && blockMatches(context, block, element, schema),
      );
      if (match) removed.push(match);
      else steps.push({ unchanged: changePath });
      continue;
    }
    steps.push(refuse(`cannot tell which ${type} block changed`, whereBlock(resource), changePath));
  }
  const remaining = blocks.filter((block) => !removed.includes(block));
  const indent = blocks[0]
    ? indentAt(text, blocks[0].range.start)
    : `${indentAt(text, resource.range.start)}  `;
  const rendered = addedElements.map((element) => renderBlock(type, element, indent, schema));
  const emptiesTheSet =
    schema?.attributesAsBlocks && remaining.length === 0 && rendered.length === 0;
  for (const block of removed) {
    if (emptiesTheSet && block === removed.at(-1)) {
      // `type = []` keeps Terraform managing the set; without it, the last rule would
      // simply become unmanaged instead of removed.
      const { from, to } = blockLines(text, block.range.start, block.range.end);
      steps.push({
        edit: { file: resource.file, start: from, end: to, text: `${indent}${type} = []\n` },
      });
    } else {
      steps.push({
        edit: removeLinesEdit(text, resource.file, block.range.start, block.range.end),
      });
    }
  }
  if (rendered.length === 0) return steps;
  const joined = rendered.join('\n');
  if (emptyForm && blocks.length === 0) {
    // `ingress = []` becomes the blocks: the two forms cannot be mixed.
    const start = lineStartOf(text, emptyForm.range.start);
    steps.push({
      edit: { file: resource.file, start, end: lineEndOf(text, emptyForm.range.end), text: joined },
    });
    return steps;
  }
  const anchor = blocks.at(-1);
  const at = anchor ? lineEndOf(text, anchor.range.end) : lineStartOf(text, resource.range.end - 1);
  steps.push({ edit: { file: resource.file, start: at, end: at, text: `\n${joined}` } });
  return steps;
}

interface Located {
  block: HclBlock;
  schema: BlockSchema | undefined;
  /** The path below the block (attribute, map key, or nested block). */
  rest: AttributePath;
}

/**
 * Follow a change path through nested blocks: `metadata_options[0].http_tokens`,
 * `ingress[2].cidr_blocks` (found by content), `mixed_instances_policy[0].launch_template[0]…`.
 */
function locate(
  context: EvaluationContext,
  body: HclBlock,
  blocksSchema: ResourceBlocks | undefined,
  path: AttributePath,
  change: AttributeChange,
  depth: number,
):
  | Located
  | { step: Step }
  | { missing: { type: string; schema: BlockSchema | undefined; rest: AttributePath } } {
  const changePath = formatPath(change.path);
  const [type, index, ...rest] = path;
  const schema = blocksSchema?.[type as string];
  const dynamic = dynamicBlockOf(body, type as string);
  if (dynamic)
    return {
      step: refuse(
        `${String(type)} is generated by a dynamic block; change its for_each input by hand`,
        whereBlock(dynamic),
        changePath,
      ),
    };
  const candidates = body.blocks.filter((block) => block.type === type);
  if (typeof index !== 'number')
    return {
      step: refuse(
        `${String(type)} is written as nested blocks; change it by hand`,
        whereBlock(candidates[0] ?? body),
        changePath,
      ),
    };
  let block: HclBlock | undefined;
  if (schema?.nesting === 'set' || (!schema && depth === 0 && candidates.length > 1)) {
    const element = change.element;
    const elementHere =
      element &&
      formatPath(element.path) ===
        formatPath(change.path.slice(0, change.path.length - rest.length));
    if (!elementHere || !isObject(element.recorded))
      return {
        step: refuse(
          `cannot tell which ${String(type)} block changed (it is one of a set nested in another block)`,
          whereBlock(candidates[0] ?? body),
          changePath,
        ),
      };
    const matches = candidates.filter((candidate) =>
      blockMatches(context, candidate, element.recorded as never, schema),
    );
    if (matches.length > 1)
      return {
        step: refuse(
          `${matches.length} ${String(type)} blocks match the changed one; change the right one by hand`,
          whereBlock(matches[0]!),
          changePath,
        ),
      };
    block = matches[0];
    if (!block) {
      if (
        isObject(element.live) &&
        candidates.some((candidate) =>
          blockMatches(context, candidate, element.live as never, schema),
        )
      )
        return { step: { unchanged: changePath } };
      return {
        step: refuse(
          `no ${String(type)} block in the code matches the recorded one`,
          whereBlock(body),
          changePath,
        ),
      };
    }
  } else {
    block = candidates[index];
    if (!block) return { missing: { type: type as string, schema, rest } };
  }
  const [head] = rest;
  const nestedSchema = schema?.blocks;
  if (
    typeof head === 'string' &&
    typeof rest[1] === 'number' &&
    (nestedSchema?.[head] || block.blocks.some((inner) => inner.type === head))
  )
    return locate(context, block, nestedSchema, rest, change, depth + 1);
  return { block, schema, rest };
}

/** A change inside nested blocks: the attribute (or map key) is edited in place. */
export function planNestedChange(
  context: EvaluationContext,
  declaration: ResourceDeclaration,
  blocksSchema: ResourceBlocks | undefined,
  change: AttributeChange,
): Step {
  const changePath = formatPath(change.path);
  const found = locate(context, declaration.block, blocksSchema, change.path, change, 0);
  if ('step' in found) return found.step;
  if ('missing' in found) {
    const { type, schema, rest } = found.missing;
    const parentPath = change.path.slice(0, change.path.length - rest.length - 2);
    const [attribute] = rest;
    if (parentPath.length > 0 || rest.length !== 1 || typeof attribute !== 'string')
      return refuse(
        `the ${type} block this change is in is not written in the code; add it by hand`,
        whereBlock(declaration.block),
        changePath,
      );
    if (change.live === null || isEmpty(change.live)) return { unchanged: changePath };
    // The block is absent (the provider's defaults): add it with the one live value.
    const text = fileText(context, declaration.block.file);
    const indent = `${indentAt(text, declaration.block.range.start)}  `;
    const at = lineStartOf(text, declaration.block.range.end - 1);
    return {
      edit: {
        file: declaration.block.file,
        start: at,
        end: at,
        text: `\n${renderBlock(type, { [attribute]: change.live }, indent, schema)}`,
      },
    };
  }
  const { block, schema, rest } = found;
  const [name, key, ...deeper] = rest;
  if (typeof name !== 'string' || deeper.length > 0)
    return refuse(
      `cannot edit ${changePath}: nested deeper than an attribute or a map key`,
      whereBlock(block),
      changePath,
    );
  if (schema?.computedOnly?.includes(name))
    return refuse(computedOnlyReason(block.type, name), whereBlock(block), changePath);
  const attribute = attributeOf(block, name);
  if (typeof key === 'string') {
    if (attribute)
      return ensureMapKey(context, attribute, block.file, key, change.live, changePath);
    if (change.live === null) return { unchanged: changePath };
    return { edit: insertAttribute(context, block, name, { [key]: change.live as HclValue }) };
  }
  if (key !== undefined)
    return refuse(
      `cannot edit ${changePath}: an index into a list value`,
      whereBlock(block),
      changePath,
    );
  if (!attribute) {
    if (change.live === null || isEmpty(change.live)) return { unchanged: changePath };
    return { edit: insertAttribute(context, block, name, change.live as HclValue) };
  }
  return ensureExpressionValue(context, attribute.value, block.file, change.live as HclValue, {
    isSet: Array.isArray(change.live),
    changePath,
  });
}

function computedOnlyReason(block: string, name: string): string {
  if (block === 'root_block_device')
    return `${block}.${name} is set by AWS, not by the code: the instance's root volume was replaced or re-attached outside Terraform, and no argument can say which volume is the root one; replace the instance (terraform apply -replace) or restore the volume by hand`;
  return `${block}.${name} is computed by AWS and cannot be written in the code; reconcile it by hand`;
}

/** A whole list of blocks changed length (`metadata_options` appeared): add it if the code has none. */
export function planWholeBlockList(
  context: EvaluationContext,
  declaration: ResourceDeclaration,
  type: string,
  schema: BlockSchema | undefined,
  change: AttributeChange,
): Step {
  const changePath = formatPath(change.path);
  const resource = declaration.block;
  const candidates = resource.blocks.filter((block) => block.type === type);
  const live = Array.isArray(change.live) ? change.live.filter(isObject) : [];
  if (candidates.length === 0 && isEmpty(change.recorded) && live.length > 0) {
    const text = fileText(context, resource.file);
    const indent = `${indentAt(text, resource.range.start)}  `;
    const at = lineStartOf(text, resource.range.end - 1);
    return {
      edit: {
        file: resource.file,
        start: at,
        end: at,
        text: `\n${live.map((element) => renderBlock(type, element, indent, schema)).join('\n')}`,
      },
    };
  }
  return refuse(
    `${type} is written as nested blocks and the number of them changed; change it by hand`,
    whereBlock(candidates[0] ?? resource),
    changePath,
  );
}
