/**
 * The ledger record of a remediation run from a terminal: the same record the app commits
 * (front matter + prose, with its `outcome`), written into the repository's
 * `.driftgate/ledger/<stack>/`, for the engineer to commit — then `driftgate log` lists it
 * and `driftgate undo` undoes it.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DriftgateError } from '../errors.js';
import { shellQuote } from '../remediation/shell.js';

const run = promisify(execFile);

async function gitOutput(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await run('git', args, { cwd })).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The repository a stack lives in: the config's root, else git's top level, else the stack. */
export async function repositoryRootOf(
  dir: string,
  configRoot: string | undefined,
): Promise<string> {
  return (
    configRoot ?? (await gitOutput(resolve(dir), ['rev-parse', '--show-toplevel'])) ?? resolve(dir)
  );
}

/** Who ran it: git's user.name (else user.email), else the login name. */
export async function operatorName(root: string): Promise<string> {
  return (
    (await gitOutput(root, ['config', 'user.name'])) ??
    (await gitOutput(root, ['config', 'user.email'])) ??
    process.env.USER ??
    'unknown'
  );
}

/** Write `text` at `path` (relative to `root`) without overwriting an earlier record. */
export async function writeLedgerFile(root: string, path: string, text: string): Promise<string> {
  for (let attempt = 1; attempt < 100; attempt += 1) {
    const candidate = join(root, attempt === 1 ? path : path.replace(/\.md$/, `-${attempt}.md`));
    await mkdir(dirname(candidate), { recursive: true });
    try {
      await writeFile(candidate, text, { flag: 'wx' });
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new DriftgateError(`cannot write: ${(error as NodeJS.ErrnoException).code}`, {
          file: candidate,
        });
    }
  }
  throw new DriftgateError('too many records with this name', { file: join(root, path) });
}

/** "Written to …; commit it with: git add … && git commit …" (every argument quoted). */
export function commitInstructions(root: string, file: string, message: string): string {
  const path = relative(root, file);
  return [
    `ledger record written to ${file}`,
    'commit it, so `driftgate log` and your team see it:',
    `  $ git -C ${shellQuote(root)} add ${shellQuote(path)} && git -C ${shellQuote(root)} commit -m ${shellQuote(message)} -- ${shellQuote(path)}`,
    '',
  ].join('\n');
}
