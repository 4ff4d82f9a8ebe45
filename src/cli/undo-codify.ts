/**
 * `driftgate undo` of a codify record: the code change is a commit (its trailers name the
 * drift), so the undo is `git revert` of that commit's code; the ledger records stay.
 */
import { dirname, resolve } from 'node:path';
import { DriftgateError } from '../errors.js';
import type { LedgerRecord } from '../remediation/ledger.js';
import { git } from './audit.js';
import type { CliIo } from './main.js';
import type { Confirm } from './revert.js';

/**
 * Undo a codify locally: the code change is a commit (its trailers name the drift), so the
 * undo is `git revert` of that commit's code — the ledger records stay, they are history.
 * The result is staged, for the engineer to commit and propose as a PR.
 */
export async function undoCodify(
  io: CliIo,
  ledgerFile: string,
  record: LedgerRecord,
  flags: { dryRun?: boolean; yes?: boolean },
  confirm: Confirm,
): Promise<number> {
  const root = (await git(dirname(resolve(ledgerFile)), ['rev-parse', '--show-toplevel'])).trim();
  const id = record.front.drift_id;
  const log = await git(root, ['log', '--format=%H%x00%B%x01', `--grep=^Drift-Id: ${id}$`]);
  const commit = log
    .split('\x01')
    .map((entry) => entry.trim().split('\x00'))
    .find(([, message]) => /^Drift-Direction: codify$/m.test(message ?? ''))?.[0];
  if (!commit)
    throw new DriftgateError(
      `no commit with the trailers Drift-Id: ${id} and Drift-Direction: codify`,
      {
        file: ledgerFile,
      },
    );
  const files = (await git(root, ['show', '--name-only', '--format=', commit]))
    .split('\n')
    .filter((path) => path && !path.startsWith('.driftgate/'));
  io.stdout(
    `Undo the codify of ${record.front.address} (drift ${id}): revert commit ${commit.slice(0, 8)} in\n${files.map((path) => `  ${path}\n`).join('')}  $ git revert --no-commit ${commit.slice(0, 8)} && git checkout HEAD -- .driftgate\n`,
  );
  if (flags.dryRun) {
    io.stdout('dry run: nothing was changed.\n');
    return 0;
  }
  if (
    !flags.yes &&
    !(await confirm(`Revert the code of ${commit.slice(0, 8)} in your working tree?`))
  ) {
    io.stdout('not confirmed: nothing was changed.\n');
    return 0;
  }
  await git(root, ['revert', '--no-commit', commit]);
  // The ledger is history: keep every record as it is.
  await git(root, ['checkout', 'HEAD', '--', '.driftgate']);
  io.stdout('staged: the code as it was before the codify. Commit it and open a pull request.\n');
  return 0;
}
