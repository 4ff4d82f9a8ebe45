/** Past decisions from the ledger on the default branch, through the GitHub API (the app). */
import type { DriftgateConfig } from '../config/schema.js';
import type { GitHubRepository } from '../github/repository.js';
import { readPastDecisions, type PastDecisions } from './ledger-source.js';

/** Read at most once per scan pass, and only when a stack asks; nothing when precedent is off. */
export function pastDecisionsOnce(
  github: GitHubRepository,
  config: Pick<DriftgateConfig, 'precedent'>,
): (() => Promise<PastDecisions>) | undefined {
  if (config.precedent === 'off') return undefined;
  let read: Promise<PastDecisions> | undefined;
  return () =>
    (read ??= readPastDecisions({
      list: () => github.listFilesUnder('.driftgate/ledger'),
      read: (path) => github.readFile(path),
    }));
}
