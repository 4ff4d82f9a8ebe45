/**
 * Re-reading a file after an edit, at the cost of the edit: only the top-level items (blocks,
 * attributes) whose bytes changed are parsed again; the items before them are kept as they
 * are, the items after them are copied with their ranges moved. Codify edits one block of
 * a 50 kB file per drift, so this is what keeps its cost following the bytes it edits.
 */
import {
  parseHcl,
  loadHclParser,
  readHclRegion,
  type HclAttribute,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type SourceRange,
} from './hcl-syntax.js';
import { lineStartsBetween } from './hcl-cst.js';
import { bodyStateOf, markPendingBody, type BodyState } from './hcl-lazy.js';

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

/**
 * Where two versions of a text may differ: every byte before `prefix` and every byte in
 * the last `suffix` are the same in both (the lengths may be shorter than the texts'
 * true common ends, never longer). Given by an editor that knows where it wrote.
 */
export interface ChangedEnds {
  prefix: number;
  suffix: number;
}

function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1))
    count++;
  return count;
}

/** The first index in `[0, count)` where the non-decreasing `atLeast(index)` holds (else `count`). */
function firstIndexWhere(count: number, atLeast: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (atLeast(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The start of the line after `item` (`Infinity` when no line follows it). */
function lineAfter(text: string, item: Item): number {
  const newline = text.indexOf('\n', item.range.end);
  return newline < 0 ? Infinity : newline + 1;
}

/**
 * Where the re-read starts: the start of the line after the last top-level item that ends
 * before the first changed byte, so the region never begins inside an item, on the line
 * an item ends on, or inside a comment. `items` are sorted and disjoint, so the lines
 * after them are in order: a binary search finds the last candidate.
 */
function regionStart(
  text: string,
  items: readonly Item[],
  firstChange: number,
): { start: number; line: number } {
  const candidates = firstIndexWhere(
    items.length,
    (index) => lineAfter(text, items[index]!) > firstChange,
  );
  for (let index = candidates - 1; index >= 0; index--) {
    const next = lineAfter(text, items[index]!);
    const following = items[index + 1];
    if (
      !text.slice(items[index]!.range.end, next).includes('/*') &&
      (!following || following.range.start >= next)
    )
      // Its line: the item's, plus the line breaks from the item's start to it.
      return {
        start: next,
        line: items[index]!.range.line + lineBreaks(text, items[index]!.range.start, next),
      };
  }
  return { start: 0, line: 1 };
}

/**
 * Where the re-read ends (old text): the start of the line of the first top-level item
 * that starts after the last changed byte, when nothing but indentation precedes it on
 * that line; else the end of the file.
 */
function regionEnd(text: string, items: readonly Item[], lastChange: number): number {
  const lineOf = (item: Item) => text.lastIndexOf('\n', item.range.start - 1) + 1;
  const first = firstIndexWhere(items.length, (index) => lineOf(items[index]!) >= lastChange);
  for (let index = first; index < items.length; index++) {
    const item = items[index]!;
    const lineStart = lineOf(item);
    const preceding = items[index - 1];
    if (
      /^[ \t]*$/.test(text.slice(lineStart, item.range.start)) &&
      (!preceding || preceding.range.end <= lineStart)
    )
      return lineStart;
  }
  return text.length;
}

/** The top-level items of `file` in source order (blocks alone when it has no attributes). */
function itemsInOrder(file: HclFile): readonly Item[] {
  if (file.attributes.length === 0) return file.blocks;
  if (file.blocks.length === 0) return file.attributes;
  const items: Item[] = [];
  let a = 0;
  let b = 0;
  while (a < file.attributes.length || b < file.blocks.length) {
    const attribute = file.attributes[a];
    const block = file.blocks[b];
    if (attribute && (!block || attribute.range.start < block.range.start)) {
      items.push(attribute);
      a++;
    } else {
      items.push(block!);
      b++;
    }
  }
  return items;
}

/**
 * `previous` re-read after its text became `text` (same path). `changed`, when the caller
 * knows where it edited, spares comparing the whole texts to find out.
 */
export async function reparseHcl(
  previous: HclFile,
  text: string,
  changed?: ChangedEnds,
): Promise<HclFile> {
  if (previous.text === text) return previous;
  const old = previous.text;
  const { prefix, suffix } = changed ?? commonEnds(old, text);
  const items = itemsInOrder(previous);
  const { start, line: startLine } = regionStart(old, items, prefix);
  const oldEnd = regionEnd(old, items, old.length - suffix);
  const delta = text.length - old.length;
  const region = readHclRegion(
    await loadHclParser(),
    previous.path,
    text,
    lineStartsBetween(text, start, oldEnd + delta),
    start,
    oldEnd + delta,
    startLine,
  );
  // A syntax error: the whole file, read again, gives the exact message and position.
  if (!region) return parseHcl(previous.path, text);
  // Sorted lists: the items before the region and those after it, found by binary search.
  const before = <T extends Item>(list: readonly T[]) =>
    list.slice(
      0,
      firstIndexWhere(list.length, (index) => list[index]!.range.end > start),
    );
  const after = <T extends Item>(list: readonly T[]) =>
    list.slice(firstIndexWhere(list.length, (index) => list[index]!.range.start >= oldEnd));
  // Everything from `oldEnd` on is unchanged text starting on a line of its own: it moved
  // by whole lines, so columns stay and lines move by the change in line count.
  const lineDelta = lineBreaks(text, start, oldEnd + delta) - lineBreaks(old, start, oldEnd);
  // An edit that kept the length and the line count (a value of the same length) moved
  // nothing: the items after it are shared as they are.
  const shifter = delta === 0 && lineDelta === 0 ? undefined : new Shifter(delta, lineDelta);
  return {
    path: previous.path,
    text,
    attributes: [
      ...before(previous.attributes),
      ...region.attributes,
      ...after(previous.attributes).map((attribute) => shifter?.attribute(attribute) ?? attribute),
    ],
    blocks: [
      ...before(previous.blocks),
      ...region.blocks,
      ...after(previous.blocks).map((block) => (shifter ? movedBlock(block, shifter) : block)),
    ],
  };
}

/** How a top-level block moved in the last re-read: from `previous`, by `shifter`. */
export interface BlockMove {
  previous: HclBlock;
  shifter: Shifter;
}

/**
 * A moved block's move, and where its body is still to be read from, once: an older block
 * and the sum of the moves since (kept on the block, see hcl-lazy's `markPendingBody`).
 */
class MoveState implements BlockMove, BodyState {
  attributes: HclAttribute[] | undefined;
  blocks: HclBlock[] | undefined;

  constructor(
    readonly previous: HclBlock,
    readonly shifter: Shifter,
    readonly origin: HclBlock,
    readonly originShifter: Shifter,
  ) {}

  pending(): boolean {
    return this.attributes === undefined && this.blocks === undefined;
  }
}

/** How `block` moved in the re-read that made it, if it did. */
export function blockMove(block: HclBlock): BlockMove | undefined {
  const state = bodyStateOf(block);
  return state instanceof MoveState ? state : undefined;
}

/**
 * `block` moved by `shifter`: its header ranges now, its body (attributes, nested blocks)
 * copied when first read. Codify moves every block after each edit of a file, and reads
 * few of them: a block moved by several edits before anyone read it is copied once, from
 * the block it was read from, by the sum of the moves. One state object a move: this runs
 * for every block after every edit.
 */
function movedBlock(block: HclBlock, shifter: Shifter): HclBlock {
  const before = bodyStateOf(block);
  const state =
    before instanceof MoveState && before.pending()
      ? new MoveState(block, shifter, before.origin, before.originShifter.then(shifter))
      : new MoveState(block, shifter, block, shifter);
  const moved: HclBlock = {
    type: block.type,
    labels: block.labels,
    file: block.file,
    range: shifter.range(block.range),
    bodyRange: shifter.range(block.bodyRange),
    get attributes() {
      return (state.attributes ??= state.origin.attributes.map((item) =>
        state.originShifter.attribute(item),
      ));
    },
    get blocks() {
      return (state.blocks ??= state.origin.blocks.map((inner) =>
        state.originShifter.block(inner),
      ));
    },
  };
  return markPendingBody(moved, state);
}

/** Copies of items that moved by `delta` characters and `lineDelta` whole lines. */
export class Shifter {
  constructor(
    private readonly delta: number,
    private readonly lineDelta: number,
  ) {}

  /** This move, then `next`. */
  then(next: Shifter): Shifter {
    return new Shifter(this.delta + next.delta, this.lineDelta + next.lineDelta);
  }

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
