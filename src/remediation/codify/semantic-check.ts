/**
 * The semantic check of every codify edit, by HashiCorp's parser (hcl2-parser, the
 * reference, 6–30 µs a byte): it reads what an edit touched, before and after, and every
 * difference must be one the drift asks for. Text outside the edited spans is
 * byte-identical, so it reads only the items (attributes, nested blocks) whose bytes
 * changed, under their top-level block's header, plus the blocks the plan added: its cost
 * follows the bytes edited, never the bytes of the stack.
 */
import type { Drift } from '../../drift/model.js';
import { DriftgateError } from '../../errors.js';
import { commonEnds } from '../../terraform/hcl-incremental.js';
import { parsePairWithHashicorp, type HashicorpParse } from '../../terraform/hashicorp-parser.js';
import type { HclBlock, HclFile, SourceRange } from '../../terraform/hcl-syntax.js';
import type { FileDeclarations } from '../../terraform/stack.js';
import type { EvaluationContext } from './evaluate.js';
import type { CodifyPlan, TextEdit } from './planner.js';
import { policyDocumentViolation } from './plan-policy.js';

/** Paths (as key lists) where two JSON values differ. */
function differences(
  a: unknown,
  b: unknown,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  // A block or key that exists on one side only: descend, so the difference names its path.
  if ((a === undefined || a === null) && b && typeof b === 'object')
    return differences(Array.isArray(b) ? [] : {}, b, path);
  if ((b === undefined || b === null) && a && typeof a === 'object')
    return differences(a, Array.isArray(a) ? [] : {}, path);
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [
        ...path,
        Array.isArray(a) ? Number(key) : key,
      ]),
    );
  }
  return [path];
}

const sameIdentity = (a: HclBlock, b: HclBlock) =>
  a.type === b.type &&
  a.labels.length === b.labels.length &&
  a.labels.every((label, index) => label === b.labels[index]);

/** The top-level blocks of `file` that contain an edit, in file order. */
function editedBlocks(file: HclFile, edits: TextEdit[]): HclBlock[] {
  const { blocks } = file;
  const touched = new Set<HclBlock>();
  for (const edit of edits) {
    // Blocks are sorted and disjoint: only the last one starting at or before the edit
    // can contain it.
    let low = 0;
    let high = blocks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (blocks[mid]!.range.start <= edit.start) low = mid + 1;
      else high = mid;
    }
    const block = blocks[low - 1];
    if (block && edit.end <= block.range.end) touched.add(block);
  }
  return [...touched].sort((a, b) => a.range.start - b.range.start);
}

/**
 * The blocks of `file` with the identity of `block`: a resource or data block is unique
 * in the stack, found by its address; other kinds (two `locals` blocks) by a search.
 */
function blocksLike(
  file: HclFile,
  declared: FileDeclarations | undefined,
  block: HclBlock,
): HclBlock[] {
  const [type, name] = block.labels;
  if (declared && (block.type === 'resource' || block.type === 'data') && type && name) {
    const address = block.type === 'resource' ? `${type}.${name}` : `data.${type}.${name}`;
    const found = declared.resources.get(address)?.block;
    return found && sameIdentity(found, block) ? [found] : [];
  }
  return file.blocks.filter((candidate) => sameIdentity(candidate, block));
}

function parsedValue(parsed: HashicorpParse): unknown {
  return parsed.kind === 'parsed' && parsed.value !== null ? parsed.value : undefined;
}

const textOf = (file: HclFile, range: SourceRange) => file.text.slice(range.start, range.end);

/**
 * A block cut down to the body items whose bytes differ between its two versions (found
 * by their common prefix and suffix), under the block's own header, with the names of
 * its other arguments: what HashiCorp's parser reads of an edited block.
 */
function changedItems(
  oldFile: HclFile,
  oldBlock: HclBlock,
  newFile: HclFile,
  newBlock: HclBlock,
): { oldText: string; newText: string } {
  const oldBlockText = textOf(oldFile, oldBlock.range);
  const newBlockText = textOf(newFile, newBlock.range);
  const { prefix, suffix } = commonEnds(oldBlockText, newBlockText);
  const cut = (file: HclFile, block: HclBlock, length: number) => {
    const from = block.range.start + prefix;
    const to = block.range.start + length - suffix;
    // Items the changed span overlaps; an insertion (an empty span) only the item it is inside.
    const changed = (item: { range: SourceRange }) =>
      from === to
        ? item.range.start < from && from < item.range.end
        : item.range.start < to && from < item.range.end;
    const items = [...block.attributes, ...block.blocks]
      .filter(changed)
      .sort((a, b) => a.range.start - b.range.start)
      .map((item) => textOf(file, item.range));
    // The other arguments by name only: an argument set twice is an error HashiCorp's
    // parser must still see (the same stubs on both sides, so they never differ).
    const names = block.attributes
      .filter((attribute) => !changed(attribute))
      .map((attribute) => `${attribute.name} = null`);
    const header = file.text.slice(block.range.start, block.bodyRange.start);
    return `${header}\n${[...items, ...names].join('\n')}\n}\n`;
  };
  return {
    oldText: cut(oldFile, oldBlock, oldBlockText.length),
    newText: cut(newFile, newBlock, newBlockText.length),
  };
}

/** What HashiCorp's parser reads of one edited .tf file, before and after. */
function editedTexts(
  before: { file: HclFile; declared: FileDeclarations | undefined },
  after: { file: HclFile; declared: FileDeclarations | undefined },
  edits: TextEdit[],
  added: Set<string>,
  addedAddresses: readonly string[],
): { oldText: string; newText: string; editedKinds: Set<string> } {
  const oldFile = before.file;
  const newFile = after.file;
  const touched = editedBlocks(oldFile, edits);
  const oldParts: string[] = [];
  const newParts: string[] = [];
  const counterparts = new Set<HclBlock>();
  for (const block of touched) {
    const olds = blocksLike(oldFile, before.declared, block);
    const news = blocksLike(newFile, after.declared, block);
    news.forEach((candidate) => counterparts.add(candidate));
    if (olds.length === 1 && news.length === 1) {
      const { oldText, newText } = changedItems(oldFile, block, newFile, news[0]!);
      oldParts.push(oldText);
      newParts.push(newText);
    } else {
      // Several blocks of one identity (two `locals` blocks): compare them whole.
      oldParts.push(textOf(oldFile, block.range));
      newParts.push(...news.map((candidate) => textOf(newFile, candidate.range)));
    }
  }
  // The resources the plan added, in file order: found by address, not by a search.
  const addedBlocks = new Set<HclBlock>();
  for (const address of addedAddresses) {
    const block = after.declared?.resources.get(address)?.block;
    if (
      block?.type === 'resource' &&
      !counterparts.has(block) &&
      added.has(JSON.stringify([block.type, ...block.labels]))
    )
      addedBlocks.add(block);
  }
  for (const block of [...addedBlocks].sort((a, b) => a.range.start - b.range.start))
    newParts.push(textOf(newFile, block.range));
  return {
    oldText: oldParts.join('\n'),
    newText: newParts.join('\n'),
    editedKinds: new Set(touched.map((block) => block.type)),
  };
}

/** What HashiCorp's parser reads to check one edited file: its edited items, before and after. */
export interface EditReading {
  path: string;
  oldText: string;
  newText: string;
  editedKinds: Set<string>;
}

/** HashiCorp's verdicts on an edit's old and new text. */
export type HashicorpPair = [HashicorpParse, HashicorpParse];

/** What HashiCorp's parser must read to check the edits of `plan`, file by file. */
export function editReadings(
  before: EvaluationContext,
  after: EvaluationContext,
  plan: CodifyPlan,
): EditReading[] {
  const added = addedBlockKeys(plan);
  return [...new Set(plan.edits.map((edit) => edit.file))].map((path) => {
    if (before.tfvarsTexts.has(path))
      return {
        path,
        oldText: before.tfvarsTexts.get(path)!,
        newText: after.tfvarsTexts.get(path)!,
        editedKinds: new Set(['tfvars']),
      };
    const edits = plan.edits.filter((edit) => edit.file === path);
    const side = (context: EvaluationContext) => ({
      file: context.stack.files.find((file) => file.path === path)!,
      declared: context.stack.declarations.get(path),
    });
    return {
      path,
      ...editedTexts(side(before), side(after), edits, added, plan.addedResources),
    };
  });
}

const addedBlockKeys = (plan: CodifyPlan) =>
  new Set(
    plan.addedResources.map((address) => JSON.stringify(['resource', ...address.split('.')])),
  );

/**
 * The verdict on an edit, from HashiCorp's readings of what it touched (`pairs[i]` reads
 * `readings[i]`): every difference its parser sees must lie under the drifted resource's
 * changed attributes, a resource the plan added, or a variable default / local / tfvars
 * value the plan edited; and every codified policy document must grant what the live
 * document grants. Throws when the parser rejects the text as it was before the edit.
 */
export function judgeEdit(
  readings: readonly EditReading[],
  pairs: readonly HashicorpPair[],
  after: EvaluationContext,
  drift: Drift,
  plan: CodifyPlan,
): string | undefined {
  const [type, name] = drift.address.split('.');
  const heads = new Set(drift.changes.map((change) => String(change.path[0])));
  const added = addedBlockKeys(plan);
  for (const [index, { path, editedKinds }] of readings.entries()) {
    const [oldParse, nextParse] = pairs[index]!;
    const old = parsedValue(oldParse);
    // Reading a stack does not ask HashiCorp's parser (too slow for every byte), so this
    // is where a block it rejects is found: the error a full check would have given.
    if (old === undefined)
      throw new DriftgateError("HashiCorp's HCL parser rejects this file", { file: path });
    const next = parsedValue(nextParse);
    if (next === undefined) return `${path} no longer parses with HashiCorp's HCL parser`;
    for (const difference of differences(old, next)) {
      const allowed =
        (difference[0] === 'resource' &&
          difference[1] === type &&
          difference[2] === name &&
          heads.has(String(difference[4]))) ||
        added.has(JSON.stringify(difference.slice(0, 3))) ||
        (difference[0] === 'variable' &&
          editedKinds.has('variable') &&
          difference[3] === 'default') ||
        (difference[0] === 'locals' && editedKinds.has('locals')) ||
        editedKinds.has('tfvars');
      if (!allowed) return `the edit would also change ${difference.join('.')} in ${path}`;
    }
  }
  // HashiCorp's parser keeps `jsonencode(...)` as text: a document is checked by meaning.
  return policyDocumentViolation(after, drift);
}

/**
 * Check that the edits changed only what the drift codifies (see `judgeEdit`), with
 * HashiCorp's parser on this thread. Codify runs the same check with the parser on a
 * worker thread (`editReadings`, the parser, then `judgeEdit`).
 */
export function semanticViolation(
  before: EvaluationContext,
  after: EvaluationContext,
  drift: Drift,
  plan: CodifyPlan,
): string | undefined {
  const readings = editReadings(before, after, plan);
  // One call for both texts (the verdicts are those of two calls; see the parser).
  const pairs = readings.map((reading) => parsePairWithHashicorp(reading.oldText, reading.newText));
  return judgeEdit(readings, pairs, after, drift, plan);
}
