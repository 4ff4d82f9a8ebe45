/**
 * Policy documents written back into code the way people write them and `terraform fmt`
 * leaves them: HCL object syntax inside `jsonencode(...)` (one key a line, `=` aligned in
 * runs of single-line keys, a list of statements one object a line with trailing commas),
 * or pretty JSON inside a heredoc. Pure text functions.
 */
import type { HclValue } from '../../terraform/hcl-syntax.js';
import { renderKey, renderString } from './hcl-format.js';

/** A list longer than this on one line is written one item a line. */
const LIST_WIDTH = 100;

const isComposite = (value: unknown) => value !== null && typeof value === 'object';

function renderList(items: HclValue[], indent: string): string {
  if (items.length === 0) return '[]';
  const inner = `${indent}  `;
  if (!items.some(isComposite)) {
    const oneLine = `[${items.map((item) => renderPolicyObject(item, indent)).join(', ')}]`;
    if (indent.length + oneLine.length <= LIST_WIDTH) return oneLine;
  }
  const lines = items.map((item) => `${inner}${renderPolicyObject(item, inner)},`);
  return `[\n${lines.join('\n')}\n${indent}]`;
}

/** `=` aligned within each run of single-line entries, as fmt does; a multi-line entry ends a run. */
function alignRuns(entries: { key: string; value: string }[], indent: string): string[] {
  const lines: string[] = [];
  let run: { key: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((entry) => entry.key.length));
    for (const entry of run) lines.push(`${indent}${entry.key.padEnd(width)} = ${entry.value}`);
    run = [];
  };
  for (const entry of entries) {
    if (entry.value.includes('\n')) {
      flush();
      lines.push(`${indent}${entry.key} = ${entry.value}`);
    } else run.push(entry);
  }
  flush();
  return lines;
}

/** A document (or any part of it) as HCL source, its closing bracket at `indent`. */
export function renderPolicyObject(value: HclValue | undefined, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return renderString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return renderList(value, indent);
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const lines = alignRuns(
    entries.map(([key, item]) => ({
      key: /^(null|true|false)$/.test(key) ? renderString(key) : renderKey(key),
      value: renderPolicyObject(item, inner),
    })),
    inner,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * A heredoc (`<<EOF` / `<<-EOT`, its text as written) rewritten to hold `document` as
 * pretty JSON: the same marker, the body at the old body's indentation, the closing
 * marker where it was. `${` and `%{` are escaped: a heredoc is a template.
 */
export function renderPolicyHeredoc(original: string, document: unknown): string {
  const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(original);
  if (!header) throw new Error('not a heredoc');
  const body = original.slice(header[0].length, original.lastIndexOf('\n') + 1);
  const closing = original.slice(original.lastIndexOf('\n') + 1);
  const closingIndent = /^[ \t]*/.exec(closing)![0];
  const bodyLines = body.split('\n').filter((line) => line.trim() !== '');
  const bodyIndent = bodyLines.length
    ? bodyLines
        .map((line) => /^[ \t]*/.exec(line)![0])
        .reduce((shortest, next) => (next.length < shortest.length ? next : shortest))
    : header[1] === '-'
      ? `${closingIndent}  `
      : '';
  const json = JSON.stringify(document, null, 2)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  const lines = json.split('\n').map((line) => `${bodyIndent}${line}`);
  return `<<${header[1]}${header[2]}\n${lines.join('\n')}\n${closingIndent}${header[2]}`;
}
