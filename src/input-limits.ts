/**
 * Limits on untrusted input (plans, state, `.tf` files, config, ledger records), checked
 * before anything walks the input recursively. driftgate's walkers (differ, masking,
 * canonical JSON, zod, HashiCorp's parser) recurse once per level of nesting; bounding the
 * nesting here, with a loop, turns "Maximum call stack size exceeded" into an error that
 * names the file. The limits are far above anything Terraform writes: the deepest real
 * values (WAF rule statements, IAM policy documents) nest about 30 levels.
 */
import { DriftgateError, formatKeyPath } from './errors.js';

/** Deepest nesting of arrays and objects accepted in plan and state JSON. */
export const MAX_JSON_DEPTH = 256;

/**
 * Deepest syntax tree accepted in a `.tf` file, in tree-sitter nodes. One level of `[`,
 * `{`, function call or block costs two to four nodes, so this admits about 60 levels of
 * brackets; HashiCorp's parser overflows its stack near 300.
 */
export const MAX_HCL_TREE_DEPTH = 256;

/**
 * Largest `.tf` / `.tfvars` file accepted, in characters (1 MiB). Parsing costs about
 * 3 s per MiB with both parsers; the largest real-world files are a few hundred KiB.
 */
export const MAX_HCL_FILE_CHARS = 1024 * 1024;

/** How many alias expansions a YAML document (config, ledger record) may make. */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * Throw a DriftgateError naming `source` and the key path of the first value nested deeper
 * than `limit`. Iterative: safe on any depth JSON.parse can produce.
 */
export function assertJsonDepth(value: unknown, source: string, limit = MAX_JSON_DEPTH): void {
  if (jsonDepthExceeds(value, limit)) throwTooDeep(value, source, limit);
}

/**
 * Whether any value is nested `limit` levels deep. Lean on purpose (it runs over every
 * state and plan): a stack of values and one of depths, children visited in place, no
 * object per pending value. The path to the offending value is found again only on failure.
 */
function jsonDepthExceeds(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: object[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const container = values.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth >= limit) return true;
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) {
        const child: unknown = container[index];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in container) {
        const child = container[key];
        if (typeof child === 'object' && child !== null && Object.hasOwn(container, key)) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** The refusal, naming the key path of the first value nested `limit` levels deep. */
function throwTooDeep(value: unknown, source: string, limit: number): never {
  interface Pending {
    value: unknown;
    depth: number;
    key: PropertyKey | undefined;
    parent: Pending | undefined;
  }
  const pending: Pending[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (item.depth >= limit) {
      const path: PropertyKey[] = [];
      for (let at: Pending | undefined = item; at?.key !== undefined; at = at.parent)
        path.unshift(at.key);
      throw tooDeepError(path, source, limit);
    }
    const container = item.value as Record<string, unknown>;
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) {
        const child: unknown = container[index];
        if (typeof child === 'object' && child !== null)
          pending.push({ value: child, depth: item.depth + 1, key: index, parent: item });
      }
    } else {
      for (const key in container) {
        const child = container[key];
        if (typeof child === 'object' && child !== null && Object.hasOwn(container, key))
          pending.push({ value: child, depth: item.depth + 1, key, parent: item });
      }
    }
  }
  throw new Error('throwTooDeep: no value is nested that deep');
}

/**
 * The refusal of a value nested `limit` levels deep at `path` (also raised by the streamed
 * state reader, which sees the depth as it reads).
 */
export function tooDeepError(
  path: readonly PropertyKey[],
  source: string,
  limit = MAX_JSON_DEPTH,
): DriftgateError {
  // Only the first steps of the path: a 10,000-step path is no help to anyone.
  const shown = formatKeyPath(path.slice(0, 6)) + (path.length > 6 ? '…' : '');
  return new DriftgateError(
    `nested more than ${limit} levels deep (at ${shown}); driftgate refuses such input`,
    { file: source },
  );
}
