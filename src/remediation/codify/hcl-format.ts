/**
 * Writing HCL the way `terraform fmt` leaves it: values rendered canonically, two-space
 * indentation, and `=` aligned within a run of consecutive single-line attributes (or
 * object items). Pure text functions.
 */
import { lineStartsBetween, type HclValue } from '../../terraform/hcl-syntax.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function renderString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // A function replacer: in a replacement string `$$` would mean a single `$`.
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}

export function renderKey(key: string): string {
  return IDENTIFIER.test(key) ? key : renderString(key);
}

/** A value as HCL source. Objects span lines (indented from `indent`); lists stay on one line. */
export function renderValue(value: HclValue | undefined, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return renderString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => renderValue(item, indent)).join(', ')}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const lines = entries.map(
    ([key, item]) => `${inner}${renderKey(key)} = ${renderValue(item, inner)}`,
  );
  return `{\n${alignEquals(lines).join('\n')}\n${indent}}`;
}

/** Indentation of the line containing `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

// A quoted key first: `"a=b" = 1` must not read as the key `"a`.
const ASSIGNMENT = /^(\s*)("(?:[^"\\]|\\.)*"|[^\s="]+)(\s*)=(?!=|>)(\s*)(.*)$/;

/**
 * A single-line `name = value` (a multi-line value's first line does not count, as in
 * fmt) — except a heredoc's opening line (`name = <<EOF`), which fmt aligns with the
 * assignments above it.
 */
function isSingleLineAssignment(line: string): boolean {
  const match = ASSIGNMENT.exec(line);
  if (!match) return false;
  const value = match[5]!.replace(/\s+#.*$|\s+\/\/.*$/, '').trimEnd();
  if (isHeredocOpener(line)) return true;
  const opens = (value.match(/[[{(]/g) ?? []).length;
  const closes = (value.match(/[\]})]/g) ?? []).length;
  return opens === closes;
}

/** `name = <<EOF` / `<<-EOT`: the lines after it are the heredoc's text, never code. */
function isHeredocOpener(line: string): boolean {
  const match = ASSIGNMENT.exec(line);
  return match !== null && /^<<-?[A-Za-z_]/.test(match[5]!);
}

/** Align `=` of the given lines (all assignments of one run). */
export function alignEquals(lines: string[]): string[] {
  const parsed = lines.map((line) => ASSIGNMENT.exec(line));
  if (parsed.some((match) => !match)) return lines;
  const width = Math.max(...parsed.map((match) => match![2]!.length));
  return parsed.map((match) => `${match![1]}${match![2]!.padEnd(width)} = ${match![5]}`);
}

/**
 * The lines of `text` around `from`–`to` that a re-alignment there can reach, as their
 * start offsets and one more entry, one past the end of the last line. An `=` run is a
 * run of assignment lines, so it never crosses an empty line: the window runs from the
 * empty line before the line above `from` to the empty line after the line below `to`
 * (or the ends of the text), and costs the lines it holds, not the file's.
 */
export function lineWindow(text: string, from: number, to: number): number[] {
  let start = text.lastIndexOf('\n', from - 1) + 1;
  if (start > 0) start = text.lastIndexOf('\n', start - 2) + 1;
  const emptyBefore = start > 0 ? text.lastIndexOf('\n\n', start - 1) : -1;
  start = emptyBefore < 0 ? 0 : emptyBefore + 1;
  let lineEnd = text.indexOf('\n', to);
  if (lineEnd >= 0) lineEnd = text.indexOf('\n', lineEnd + 1);
  const emptyAfter = lineEnd < 0 ? -1 : text.indexOf('\n\n', lineEnd);
  // The window's last line: the empty line (which ends where it starts), or the text's last.
  const end = emptyAfter < 0 ? text.length : emptyAfter + 1;
  return [...lineStartsBetween(text, start, end), end + 1];
}

/** A re-aligned run: the new text, and where it differs (`start` to `oldEnd` became `newEnd`). */
export interface Realigned {
  text: string;
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Re-align the run of single-line assignments around line index `lineIndex` of `text`
 * (same indentation, no blank line, comment line or nested block in between), reading
 * only the run's lines through `starts`, a `lineWindow` of `text`. Returns the new text
 * (lines outside the run untouched) and where it changed, or undefined when the run was
 * aligned already; updates `starts` for it in place: re-aligning never adds or removes a
 * line.
 */
export function realignRunAtLine(
  text: string,
  starts: number[],
  lineIndex: number,
): Realigned | undefined {
  // The last entry of `starts` is one past the window's last line, not a line.
  const lineAt = (index: number): string | undefined =>
    index < 0 || index >= starts.length - 1
      ? undefined
      : text.slice(starts[index], starts[index + 1]! - 1);
  const line = lineAt(lineIndex);
  if (line === undefined || !isSingleLineAssignment(line)) return undefined;
  const indent = /^[ \t]*/.exec(line)![0];
  const inRun = (candidate: string | undefined) =>
    candidate !== undefined &&
    /^[ \t]*/.exec(candidate)![0] === indent &&
    isSingleLineAssignment(candidate);
  // A heredoc opener ends its run: the next line is the heredoc's text.
  const opensHeredoc = (index: number) => isHeredocOpener(lineAt(index) ?? '');
  if (lineIndex > 0 && opensHeredoc(lineIndex - 1)) return undefined;
  let first = lineIndex;
  while (inRun(lineAt(first - 1)) && !(first - 2 >= 0 && opensHeredoc(first - 2))) first--;
  let last = lineIndex;
  while (!opensHeredoc(last) && inRun(lineAt(last + 1))) last++;
  const run: string[] = [];
  for (let index = first; index <= last; index++) run.push(lineAt(index)!);
  const aligned = alignEquals(run);
  const runStart = starts[first]!;
  const runEnd = runStart + run.reduce((sum, part) => sum + part.length + 1, -1);
  const replacement = aligned.join('\n');
  if (replacement === text.slice(runStart, runEnd)) return undefined;
  let at = runStart;
  for (let index = first; index <= last; index++) {
    starts[index] = at;
    at += aligned[index - first]!.length + 1;
  }
  const delta = replacement.length - (runEnd - runStart);
  for (let index = last + 1; index < starts.length; index++) starts[index]! += delta;
  return {
    text: text.slice(0, runStart) + replacement + text.slice(runEnd),
    start: runStart,
    oldEnd: runEnd,
    newEnd: runStart + replacement.length,
  };
}
