/**
 * A stack's `dir` (and a local `state` path) names a place inside the repository. A config
 * is written by anyone who can open a PR, so a path that climbs out (`../..`), is absolute,
 * or (in a local checkout) is a symlink to elsewhere would let a config make driftgate read
 * files that are not the repository's.
 */
import { readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DriftgateError } from '../errors.js';

/** Why `path` does not name a place inside the repository, or undefined when it does. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain a NUL character';
  if (/^([A-Za-z]:)?[\\/]/.test(path))
    return `must be relative to the repository root, not absolute: "${path}"`;
  if (path.split(/[\\/]+/).includes('..'))
    return `must stay inside the repository: "${path}" has a ".." segment`;
  return undefined;
}

function inside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/**
 * In a local checkout: the stack directory, and every entry directly in it (the `.tf` files
 * driftgate reads), resolve inside the repository once symlinks are followed. `key` names the
 * config key in the error (`stacks[2].dir`).
 */
export async function assertStackDirInsideRepository(
  repoRoot: string,
  dir: string,
  where: { file: string; key: string },
): Promise<void> {
  const fail = (message: string) =>
    new DriftgateError(`${where.key}: ${message}`, { file: where.file });
  const problem = repositoryPathProblem(dir);
  if (problem) throw fail(problem);
  const root = (await realOrUndefined(repoRoot)) ?? resolve(repoRoot);
  const stackDir = await realOrUndefined(join(root, dir));
  if (stackDir === undefined) return; // a missing directory is reported by whoever reads it
  if (!inside(root, stackDir))
    throw fail(`"${dir}" is a symlink that leaves the repository (to ${stackDir})`);
  for (const entry of await readdir(stackDir, { withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const target = await realOrUndefined(join(stackDir, entry.name));
    if (target !== undefined && !inside(root, target))
      throw fail(`"${dir}/${entry.name}" is a symlink that leaves the repository (to ${target})`);
  }
}
