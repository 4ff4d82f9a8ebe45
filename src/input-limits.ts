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
  interface Pending {
    value: unknown;
    depth: number;
    key: PropertyKey | undefined;
    parent: Pending | undefined;
  }
  if (typeof value !== 'object' || value === null) return;
  const pending: Pending[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (item.depth >= limit) {
      const path: PropertyKey[] = [];
      for (let at: Pending | undefined = item; at?.key !== undefined; at = at.parent)
        path.unshift(at.key);
      // Only the first steps of the path: a 10,000-step path is no help to anyone.
      const shown = formatKeyPath(path.slice(0, 6)) + (path.length > 6 ? '…' : '');
      throw new DriftgateError(
        `nested more than ${limit} levels deep (at ${shown}); driftgate refuses such input`,
        { file: source },
      );
    }
    const container = item.value as object;
    const entries: [PropertyKey, unknown][] = Array.isArray(container)
      ? container.map((child: unknown, index) => [index, child])
      : Object.entries(container);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null)
        pending.push({ value: child, depth: item.depth + 1, key, parent: item });
    }
  }
}
