/** Apply planned text edits to file texts, then re-align `=` where fmt would. Pure. */
import type { ChangedEnds } from '../../terraform/hcl-incremental.js';
import { positionOf } from '../../terraform/hcl-syntax.js';
import { lineWindow, realignRunAtLine } from './hcl-format.js';
import type { TextEdit } from './plan-common.js';

export function applyEdits(
  texts: ReadonlyMap<string, string>,
  edits: readonly TextEdit[],
): Map<string, string> {
  return applyEditsWithEnds(texts, edits).texts;
}

/**
 * `applyEdits`, telling also where each edited file may differ from before (the edits and
 * the runs re-aligned around them), so re-reading it need not compare whole texts.
 */
export function applyEditsWithEnds(
  texts: ReadonlyMap<string, string>,
  edits: readonly TextEdit[],
): { texts: Map<string, string>; changed: Map<string, ChangedEnds> } {
  const result = new Map(texts);
  const changed = new Map<string, ChangedEnds>();
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  for (const [file, fileEdits] of byFile) {
    let text = result.get(file);
    if (text === undefined) throw new Error(`edit for unknown file ${file}`);
    const oldLength = text.length;
    // Later offsets first, so earlier offsets stay valid; at one offset, keep plan order.
    const ordered = fileEdits
      .map((edit, order) => ({ edit, order }))
      .sort((a, b) => b.edit.start - a.edit.start || b.order - a.order);
    for (const { edit } of ordered)
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    // Where each edit landed in the new text: shifted by the edits before it.
    const landed = fileEdits.map((edit) => {
      const shift = fileEdits
        .filter(
          (other) =>
            other.start < edit.start ||
            (other.start === edit.start && fileEdits.indexOf(other) < fileEdits.indexOf(edit)),
        )
        .reduce((sum, other) => sum + other.text.length - (other.end - other.start), 0);
      return { start: edit.start + shift, length: edit.text.length };
    });
    // Line numbers, not offsets: re-aligning changes line lengths, never their count.
    const starts = lineWindow(
      text,
      Math.min(...landed.map(({ start }) => start)),
      Math.max(...landed.map(({ start, length }) => start + length)),
    );
    const lines = landed.map(({ start, length }) => ({
      first: lineIndexAt(starts, start),
      last: lineIndexAt(starts, start + Math.max(0, length - 1)),
    }));
    // The bytes before the first edit and after the last one are unchanged, except where
    // a re-aligned run reaches past them.
    let prefix = Math.min(...fileEdits.map((edit) => edit.start));
    let suffix = oldLength - Math.max(...fileEdits.map((edit) => edit.end));
    for (const { first, last } of lines) {
      // The lines around an edit too: a removed line can leave the run above or below it
      // aligned for a name that is gone, and fmt re-aligns the whole run.
      for (let line = Math.max(0, first - 1); line <= last + 1; line++) {
        const realigned = realignRunAtLine(text, starts, line);
        if (!realigned) continue;
        prefix = Math.min(prefix, realigned.start);
        suffix = Math.min(suffix, text.length - realigned.oldEnd);
        text = realigned.text;
      }
    }
    result.set(file, text);
    changed.set(file, { prefix, suffix });
  }
  return { texts: result, changed };
}

/** Index of the line containing `offset` (the number of line breaks before it). */
const lineIndexAt = (starts: readonly number[], offset: number) =>
  positionOf(starts, offset).line - 1;
