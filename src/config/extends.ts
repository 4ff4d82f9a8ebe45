/**
 * Organisation-wide configuration: a repository's `.github/driftgate.yml` may say
 * `_extends: <repo>`, `<owner>/<repo>`, `<repo>:<path>` or `<owner>/<repo>:<path>` (the
 * syntax of Probot's `context.config`; the owner defaults to the repository's, the path to
 * `.github/driftgate.yml`, so `_extends: .github` is the organisation's `.github`
 * repository). Files are merged as Probot merges them (deepmerge's defaults: objects key by
 * key, arrays concatenated parent first, other values replaced by the extending file) and
 * validated once, after merging; an error names the file the offending key came from.
 *
 * Unlike Probot, a repository without its own file is not configured from the
 * organisation's: a repository is driftgate's only when it says so.
 */
import { DriftgateError } from '../errors.js';
import { parseYamlInput, type YamlInput } from '../yaml-input.js';
import { CONFIG_PATH, validateConfig } from './load.js';
import type { DriftgateConfig } from './schema.js';

/** A chain longer than this is a mistake (or a loop through renamed repositories). */
const MAX_EXTENDS_DEPTH = 5;

/** Where one config file lives. */
export interface ConfigFileRef {
  owner: string;
  repo: string;
  path: string;
  /** A ref of the repository itself; parents are read at their default branch. */
  ref?: string | undefined;
}

/** Reads a config file's text; undefined when it does not exist (or cannot be seen). */
export type ConfigFileReader = (file: ConfigFileRef) => Promise<string | undefined>;

interface Layer {
  name: string;
  input: YamlInput;
  value: Record<string, unknown>;
}

/** How a file is named in messages: the repository's own by path, a parent by repo too. */
function nameOf(file: ConfigFileRef, own: ConfigFileRef): string {
  return file.owner === own.owner && file.repo === own.repo
    ? file.path
    : `${file.owner}/${file.repo}:${file.path}`;
}

const EXTENDS =
  /^(?:([A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38})\/)?([-_.\w]+)(?::([-_./\w]+\.ya?ml))?$/;

/** The file an `_extends` value names (Probot's syntax), relative to the extending file. */
export function parseExtends(value: unknown, from: ConfigFileRef, fromName: string): ConfigFileRef {
  const match = typeof value === 'string' ? EXTENDS.exec(value) : null;
  if (!match || match[3]?.split('/').includes('..'))
    throw new DriftgateError(
      `_extends must be "<repo>", "<owner>/<repo>", "<repo>:<path>.yml" or "<owner>/<repo>:<path>.yml", not ${JSON.stringify(value)}`,
      { file: fromName },
    );
  return { owner: match[1] ?? from.owner, repo: match[2]!, path: match[3] ?? CONFIG_PATH };
}

/**
 * The repository's config with everything it extends, merged and validated; undefined when
 * the repository has no config file.
 */
export async function loadExtendedConfig(
  read: ConfigFileReader,
  own: ConfigFileRef,
): Promise<DriftgateConfig | undefined> {
  const layers: Layer[] = [];
  let file: ConfigFileRef | undefined = own;
  const seen = new Set<string>();
  while (file) {
    const name = nameOf(file, own);
    const key = `${file.owner}/${file.repo}:${file.path}`.toLowerCase();
    if (seen.has(key))
      throw new DriftgateError(`_extends loops back to ${name}`, { file: layers.at(-1)?.name });
    if (layers.length > MAX_EXTENDS_DEPTH)
      throw new DriftgateError(`_extends chain longer than ${MAX_EXTENDS_DEPTH} files`, {
        file: name,
      });
    seen.add(key);
    const text = await read(file);
    if (text === undefined) {
      if (!layers.length) return undefined;
      throw new DriftgateError(
        `_extends names ${name}, which does not exist or driftgate cannot read it`,
        { file: layers.at(-1)!.name },
      );
    }
    const input = parseYamlInput(text, name);
    const value = input.value ?? {};
    if (typeof value !== 'object' || Array.isArray(value))
      throw new DriftgateError('the configuration must be a mapping of keys', { file: name });
    const { _extends: parent, ...rest } = value as Record<string, unknown>;
    layers.push({ name, input, value: rest });
    file = parent === undefined ? undefined : parseExtends(parent, file, name);
  }
  // Merge from the furthest parent down to the repository's own file.
  const ordered = layers.reverse();
  const merged = ordered.reduce<unknown>((base, layer) => deepMerge(base, layer.value), {});
  return validateConfig(merged, (path) => originOf(ordered, path));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** deepmerge's default semantics (what Probot's context.config uses). */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over))
      out[key] = key in base ? deepMerge(base[key], value) : value;
    return out;
  }
  return over;
}

/**
 * The file (and line) a key of the merged config came from: the last layer that set it,
 * following concatenated arrays to the layer that contributed the element.
 */
export function originOf(
  layers: readonly Layer[],
  path: readonly PropertyKey[],
): { file?: string; line?: number; column?: number } {
  let candidates = layers.map((layer) => ({
    layer,
    value: layer.value as unknown,
    at: [] as PropertyKey[],
  }));
  let best = candidates.at(-1)!;
  for (const segment of path) {
    if (typeof segment === 'number') {
      // Concatenated in layer order: find the layer holding the merged index.
      let index = segment;
      const holders = candidates.filter((candidate) => Array.isArray(candidate.value));
      const holder = holders.find((candidate) => {
        const length = (candidate.value as unknown[]).length;
        if (index < length) return true;
        index -= length;
        return false;
      });
      if (!holder) break;
      candidates = [
        { ...holder, value: (holder.value as unknown[])[index], at: [...holder.at, index] },
      ];
    } else {
      const next = candidates
        .filter((candidate) => isObject(candidate.value) && segment in candidate.value)
        .map((candidate) => ({
          ...candidate,
          value: (candidate.value as Record<string, unknown>)[segment as string],
          at: [...candidate.at, segment],
        }));
      if (!next.length) break;
      // A scalar is the last layer's; objects and arrays keep every layer that has them.
      candidates = next;
    }
    best = candidates.at(-1)!;
  }
  return best.layer.input.locate(best.at);
}
