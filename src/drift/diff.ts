/**
 * Structural differ: (recorded, live) → the minimal list of changed attribute paths.
 *
 * - Objects (maps and single nested blocks) recurse per key: `tags.Env`.
 * - Lists recurse per index when both sides have the same length; otherwise the whole
 *   list is one change (a re-ordered or resized list is one fact for a reviewer).
 * - Sets compare without order. Terraform's JSON renders sets as arrays, so which
 *   attributes are sets comes from the resource schema (`setAttributesOf`). Scalar sets
 *   (`cidr_blocks`) are one change when their members differ. Sets of blocks (`ingress`)
 *   pair each removed element with the most similar added one and recurse, so a widened
 *   CIDR in one rule is `ingress[1].cidr_blocks` (the index of that rule in the recorded
 *   list), not "one rule removed, one added". An element with no partner is added or
 *   removed *as an element*: path `ingress` and `setElement`, never an index (an added
 *   element has no recorded index, and an index of the live list would name the wrong
 *   recorded rule).
 * - `undefined` and `null` are the same (absent).
 */
import type { AttributePath } from '../terraform/path.js';
import { canonicalJson } from './canonical.js';

export interface RawChange {
  path: AttributePath;
  recorded: unknown;
  live: unknown;
  /** The enclosing set element, when the change is inside one (see AttributeChange.element). */
  element?: { path: AttributePath; recorded: unknown; live: unknown };
  /** A whole set element added or removed (see AttributeChange.setElement). */
  setElement?: 'added' | 'removed';
}

/** Answers whether the attribute at a (index-free) schema path is a set. */
export type SetPredicate = (schemaPath: readonly string[]) => boolean;

export const noSets: SetPredicate = () => false;

export function diffValues(
  recorded: unknown,
  live: unknown,
  isSet: SetPredicate = noSets,
): RawChange[] {
  const changes: RawChange[] = [];
  walk(recorded ?? null, live ?? null, [], [], isSet, changes);
  return changes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

function walk(
  recorded: unknown,
  live: unknown,
  path: AttributePath,
  schemaPath: string[],
  isSet: SetPredicate,
  out: RawChange[],
  element?: RawChange['element'],
): void {
  if (equal(recorded, live)) return;
  if (isPlainObject(recorded) && isPlainObject(live)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(live)])].sort();
    for (const key of keys) {
      walk(
        recorded[key] ?? null,
        live[key] ?? null,
        [...path, key],
        [...schemaPath, key],
        isSet,
        out,
        element,
      );
    }
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(live)) {
    if (isSet(schemaPath)) {
      diffSet(recorded, live, path, schemaPath, isSet, out, element);
      return;
    }
    if (
      recorded.length === live.length &&
      recorded.some((item) => isPlainObject(item) || Array.isArray(item))
    ) {
      recorded.forEach((item, i) =>
        walk(item, live[i], [...path, i], schemaPath, isSet, out, element),
      );
      return;
    }
  }
  out.push({
    path,
    recorded: recorded ?? null,
    live: live ?? null,
    ...(element ? { element } : {}),
  });
}

function diffSet(
  recorded: unknown[],
  live: unknown[],
  path: AttributePath,
  schemaPath: string[],
  isSet: SetPredicate,
  out: RawChange[],
  element?: RawChange['element'],
): void {
  const liveKeys = live.map((item) => canonicalJson(item));
  const recordedKeys = recorded.map((item) => canonicalJson(item));
  // Visited in content order, not list order: which elements pair up (and so every path
  // and the fingerprint) must not depend on how either side happens to order the set.
  const byContent = (a: { key: string }, b: { key: string }) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  const removed = recorded
    .map((item, i) => ({ item, i, key: recordedKeys[i]! }))
    .filter(({ key }) => !liveKeys.includes(key))
    .sort(byContent);
  const added = live
    .map((item, i) => ({ item, i, key: liveKeys[i]! }))
    .filter(({ key }) => !recordedKeys.includes(key))
    .sort(byContent);
  if (removed.length === 0 && added.length === 0) return;

  const blocks = [...recorded, ...live].every(isPlainObject);
  if (!blocks) {
    // A set of scalars changes as one attribute; show both sides sorted for a stable diff.
    out.push({
      path,
      recorded: sortedSet(recorded),
      live: sortedSet(live),
      ...(element ? { element } : {}),
    });
    return;
  }

  const unmatchedAdded = [...added];
  for (const { item, i } of removed) {
    const partner = mostSimilar(item as Record<string, unknown>, unmatchedAdded);
    if (partner === undefined) {
      out.push({ path, recorded: item, live: null, setElement: 'removed' });
      continue;
    }
    const [match] = unmatchedAdded.splice(partner, 1);
    walk(item, match!.item, [...path, i], schemaPath, isSet, out, {
      path: [...path, i],
      recorded: item,
      live: match!.item,
    });
  }
  for (const { item } of unmatchedAdded) {
    out.push({ path, recorded: null, live: item, setElement: 'added' });
  }
}

function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Index of the candidate sharing the most equal keys, or undefined. Only keys set on
 * either side count, and at least half of them must be equal: two rules that share
 * nothing but empty defaults (no description, no IPv6) are another rule, not this one
 * changed.
 */
function mostSimilar(
  element: Record<string, unknown>,
  candidates: { item: unknown }[],
): number | undefined {
  let best: number | undefined;
  let bestScore = 0;
  candidates.forEach(({ item }, index) => {
    const other = item as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(element), ...Object.keys(other)])].filter(
      (key) => !isEmptyValue(element[key]) || !isEmptyValue(other[key]),
    );
    const score = keys.filter((key) => equal(element[key], other[key])).length;
    if (score > bestScore && score * 2 >= keys.length) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

function sortedSet(values: unknown[]): unknown[] {
  return [...values].sort((a, b) => {
    const left = canonicalJson(a);
    const right = canonicalJson(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
