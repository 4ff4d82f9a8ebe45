/**
 * Sensitive values never leave driftgate: a change at, under or above a sensitive path
 * has the sensitive parts replaced by `(sensitive)` before anything renders it.
 */
import { pathStartsWith, type AttributePath } from '../terraform/path.js';
import { SENSITIVE, type AttributeChange } from './model.js';
import type { RawChange } from './diff.js';

/** Replace every value inside `value` (which sits at `at`) that lies on a sensitive path. */
export function maskValue(
  value: unknown,
  at: AttributePath,
  sensitive: readonly AttributePath[],
): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (sensitive.some((path) => pathStartsWith(at, path))) return SENSITIVE;
  if (!sensitive.some((path) => pathStartsWith(path, at))) return value;
  if (Array.isArray(value)) return value.map((item, i) => maskValue(item, [...at, i], sensitive));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, maskValue(item, [...at, key], sensitive)]),
    );
  }
  return value;
}

export function maskChange(
  change: RawChange,
  sensitive: readonly AttributePath[],
): AttributeChange {
  const touchesSecret = sensitive.some(
    (path) => pathStartsWith(change.path, path) || pathStartsWith(path, change.path),
  );
  const element = change.element
    ? {
        path: change.element.path,
        recorded: maskValue(change.element.recorded, change.element.path, sensitive),
        live: maskValue(change.element.live, change.element.path, sensitive),
      }
    : undefined;
  if (!touchesSecret) return { ...change, ...(element ? { element } : {}), sensitive: false };
  return {
    path: change.path,
    recorded: maskValue(change.recorded, change.path, sensitive),
    live: maskValue(change.live, change.path, sensitive),
    sensitive: true,
    ...(element ? { element } : {}),
    ...(change.setElement ? { setElement: change.setElement } : {}),
  };
}
