/**
 * Re-reading a file after an edit, at the cost of the edit: only the top-level items (blocks,
 * attributes) whose bytes changed are parsed again; the items before them are kept as they
 * are, the items after them are copied with their ranges moved. Codify edits one block of
 * a 50 kB file per drift, so this is what keeps its cost following the bytes it edits.
 */
import {
  lineStarts,
  parseHcl,
  parseHclRegion,
  type HclAttribute,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type SourceRange,
} from './hcl-syntax.js';

/** Lengths of the common prefix and suffix of two texts (not overlapping in either). */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < limit - prefix &&
    a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)
  )
    suffix++;
  return { prefix, suffix };
}

type Item = { range: SourceRange };

function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1))
    count++;
  return count;
}

/**
 * Where the re-read starts: the start of the line after the last top-level item that ends
 * before the first changed byte, so the region never begins inside an item, on the line
 * an item ends on, or inside a comment.
 */
function regionStart(text: string, items: readonly Item[], firstChange: number): number {
  let start = 0;
  for (const [index, item] of items.entries()) {
    const newline = text.indexOf('\n', item.range.end);
    if (newline < 0) break;
    const next = newline + 1;
    if (next > firstChange) break;
    const following = items[index + 1];
    if (
      !text.slice(item.range.end, next).includes('/*') &&
      (!following || following.range.start >= next)
    )
      start = next;
  }
  return start;
}

/**
 * Where the re-read ends (old text): the start of the line of the first top-level item
 * that starts after the last changed byte, when nothing but indentation precedes it on
 * that line; else the end of the file.
 */
function regionEnd(text: string, items: readonly Item[], lastChange: number): number {
  for (const [index, item] of items.entries()) {
    const lineStart = text.lastIndexOf('\n', item.range.start - 1) + 1;
    if (lineStart < lastChange) continue;
    const preceding = items[index - 1];
    if (
      /^[ \t]*$/.test(text.slice(lineStart, item.range.start)) &&
      (!preceding || preceding.range.end <= lineStart)
    )
      return lineStart;
  }
  return text.length;
}

/** `previous` re-read after its text became `text` (same path). */
export async function reparseHcl(previous: HclFile, text: string): Promise<HclFile> {
  if (previous.text === text) return previous;
  const old = previous.text;
  const { prefix, suffix } = commonEnds(old, text);
  const items: Item[] = [...previous.attributes, ...previous.blocks].sort(
    (a, b) => a.range.start - b.range.start,
  );
  const start = regionStart(old, items, prefix);
  const oldEnd = regionEnd(old, items, old.length - suffix);
  const delta = text.length - old.length;
  const lines = lineStarts(text);
  const region = await parseHclRegion(previous.path, text, lines, start, oldEnd + delta);
  // A syntax error: the whole file, read again, gives the exact message and position.
  if (!region) return parseHcl(previous.path, text);
  const before = <T extends Item>(list: readonly T[]) =>
    list.filter((item) => item.range.end <= start);
  const after = <T extends Item>(list: readonly T[]) =>
    list.filter((item) => item.range.start >= oldEnd);
  // Everything from `oldEnd` on is unchanged text starting on a line of its own: it moved
  // by whole lines, so columns stay and lines move by the change in line count.
  const lineDelta = lineBreaks(text, start, oldEnd + delta) - lineBreaks(old, start, oldEnd);
  const shifter = new Shifter(delta, lineDelta);
  return {
    path: previous.path,
    text,
    attributes: [
      ...before(previous.attributes),
      ...region.attributes,
      ...after(previous.attributes).map((attribute) => shifter.attribute(attribute)),
    ],
    blocks: [
      ...before(previous.blocks),
      ...region.blocks,
      ...after(previous.blocks).map((block) => shifter.block(block)),
    ],
  };
}

/** Copies of items that moved by `delta` characters and `lineDelta` whole lines. */
class Shifter {
  constructor(
    private readonly delta: number,
    private readonly lineDelta: number,
  ) {}

  range(range: SourceRange): SourceRange {
    return {
      start: range.start + this.delta,
      end: range.end + this.delta,
      line: range.line + this.lineDelta,
      column: range.column,
    };
  }

  block(block: HclBlock): HclBlock {
    return {
      type: block.type,
      labels: block.labels,
      file: block.file,
      range: this.range(block.range),
      bodyRange: this.range(block.bodyRange),
      attributes: block.attributes.map((attribute) => this.attribute(attribute)),
      blocks: block.blocks.map((inner) => this.block(inner)),
    };
  }

  attribute(attribute: HclAttribute): HclAttribute {
    return {
      name: attribute.name,
      value: this.expression(attribute.value),
      range: this.range(attribute.range),
    };
  }

  expression(expression: HclExpression): HclExpression {
    const range = this.range(expression.range);
    switch (expression.kind) {
      case 'tuple':
        return {
          ...expression,
          range,
          items: expression.items.map((item) => this.expression(item)),
        };
      case 'object':
        return {
          ...expression,
          range,
          items: expression.items.map((item) => ({
            key: item.key,
            keyRange: this.range(item.keyRange),
            value: this.expression(item.value),
            range: this.range(item.range),
          })),
        };
      case 'computed':
        return expression.call
          ? {
              ...expression,
              range,
              call: {
                name: expression.call.name,
                args: expression.call.args.map((arg) => this.expression(arg)),
              },
            }
          : { ...expression, range };
      default:
        return { ...expression, range };
    }
  }
}
