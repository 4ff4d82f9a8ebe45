/**
 * An HCL file read at the cost of what is asked of it: its top-level blocks are found by
 * a lexical scan (hcl-outline.ts) and each block's body is read by tree-sitter the first
 * time someone asks for its attributes or nested blocks. Codify of 100 drifts in a 1 MB
 * stack asks for about 2% of the bodies; reading all of them was most of its time.
 *
 * What is read is read exactly as `parseHcl` reads it: the same objects, ranges and
 * errors. A body with a syntax error, or any disagreement between the scan and the tree,
 * reads the whole file with tree-sitter and gives its verdict. What is never asked is
 * never read: a syntax error inside such a body is not found here (the scan still finds
 * unbalanced brackets, unterminated strings, heredocs and comments, and anything but
 * blocks at the top level, by reading the whole file with tree-sitter).
 */
import type { Parser } from 'web-tree-sitter';
import { DriftgateError } from '../errors.js';
import { outlineBlocks, type OutlinedBlock } from './hcl-outline.js';
import {
  checkHclSize,
  lineStarts,
  loadHclParser,
  parseHclWith,
  positionOf,
  readHclRegion,
  type HclBlock,
  type HclBody,
  type HclFile,
} from './hcl-syntax.js';

/** What a block whose body is read on first use keeps about it (here, and when moved). */
export interface BodyState {
  /** Is the body still unread? */
  pending(): boolean;
}

// Kept on such blocks, out of sight of spreads, comparisons and JSON.
const BODY_STATE = Symbol('driftgate.bodyState');

/** Is `block`'s body still unread (a lazily read block nobody has asked yet)? */
export function bodyPending(block: HclBlock): boolean {
  return bodyStateOf(block)?.pending() ?? false;
}

export function bodyStateOf(block: HclBlock): BodyState | undefined {
  return (block as { [BODY_STATE]?: BodyState })[BODY_STATE];
}

/** Mark `block` as read on first use, with what it keeps about that. */
export function markPendingBody(block: HclBlock, state: BodyState): HclBlock {
  Object.defineProperty(block, BODY_STATE, { value: state });
  return block;
}

/** An outlined block's body, read once. */
class OutlinedBody implements BodyState {
  body: HclBody | undefined;
  constructor(readonly read: () => HclBody) {}
  get(): HclBody {
    return (this.body ??= this.read());
  }
  pending(): boolean {
    return this.body === undefined;
  }
}

/**
 * `path` read lazily: its blocks now, their bodies on first use. A file the scan cannot
 * outline (attributes at the top level, anything unusual) is read whole, as `parseHcl`.
 */
export async function outlineHcl(path: string, text: string): Promise<HclFile> {
  checkHclSize(path, text);
  const parser = await loadHclParser();
  const outline = outlineBlocks(text);
  if (!outline) return parseHclWith(parser, path, text);
  const lines = lineStarts(text);
  // The whole file read once, only when a body disagrees with the outline.
  let whole: HclFile | undefined;
  const readWhole = () => (whole ??= parseHclWith(parser, path, text));
  const blocks = outline.map((outlined) =>
    lazyBlock(path, outlined, lines, () => bodyOf(parser, path, text, lines, outlined, readWhole)),
  );
  return { path, text, attributes: [], blocks };
}

function lazyBlock(
  path: string,
  outlined: OutlinedBlock,
  lines: readonly number[],
  read: () => HclBody,
): HclBlock {
  const body = new OutlinedBody(read);
  const range = (start: number, end: number) => ({ start, end, ...positionOf(lines, start) });
  const block: HclBlock = {
    type: outlined.type,
    labels: outlined.labels,
    file: path,
    range: range(outlined.start, outlined.close + 1),
    bodyRange: range(outlined.open + 1, outlined.close),
    get attributes() {
      return body.get().attributes;
    },
    get blocks() {
      return body.get().blocks;
    },
  };
  return markPendingBody(block, body);
}

/** The body of one outlined block, read from its bytes alone (else from the whole file). */
function bodyOf(
  parser: Parser,
  path: string,
  text: string,
  lines: readonly number[],
  outlined: OutlinedBlock,
  readWhole: () => HclFile,
): HclBody {
  const end = outlined.close + 1;
  const region = readHclRegion(parser, path, text, lines, outlined.start, end);
  const block = region?.attributes.length === 0 ? region.blocks[0] : undefined;
  if (
    region?.blocks.length === 1 &&
    block &&
    block.range.start === outlined.start &&
    block.range.end === end
  )
    return { attributes: block.attributes, blocks: block.blocks };
  // A syntax error, or bytes the scan read otherwise than tree-sitter: the whole file
  // gives the error a full read gives, or the block as a full read sees it.
  const same = readWhole().blocks.find(
    (candidate) => candidate.range.start === outlined.start && candidate.range.end === end,
  );
  if (!same)
    throw new DriftgateError(
      'this file could not be read block by block; please report it with the file',
      { file: path, ...positionOf(lines, outlined.start) },
    );
  return { attributes: same.attributes, blocks: same.blocks };
}
