/**
 * Past decisions for precedent, from the ledger records on the default branch: a local
 * checkout (the CLI) or the repository through the GitHub API (the app). A record that
 * cannot be read is skipped with a warning naming it: precedent is advice, never a reason
 * to fail a scan.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftgateError } from '../errors.js';
import { parseLedgerRecord, type LedgerFront } from '../remediation/ledger.js';
import { pastDecisionOf, type PastDecision } from './precedent.js';

export interface PastDecisions {
  decisions: PastDecision[];
  /** Every record read (decided or not): the dashboard's drift health counts them. */
  fronts: LedgerFront[];
  warnings: string[];
}

/** Where the records are: list `.driftgate/ledger` recursively and read a file. */
export interface LedgerFiles {
  list(): Promise<string[]>;
  read(path: string): Promise<string | undefined>;
}

/** The most records read for precedent: the newest by file name (they start with the date). */
export const MAX_PRECEDENT_RECORDS = 500;

export async function readPastDecisions(files: LedgerFiles): Promise<PastDecisions> {
  const paths = (await files.list())
    .filter((path) => path.endsWith('.md'))
    .sort((a, b) => (a.split('/').pop()! < b.split('/').pop()! ? 1 : -1))
    .slice(0, MAX_PRECEDENT_RECORDS);
  const decisions: PastDecision[] = [];
  const fronts: LedgerFront[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    const text = await files.read(path);
    if (text === undefined) continue;
    try {
      const { front } = parseLedgerRecord(text, path);
      fronts.push(front);
      const decision = pastDecisionOf(front);
      if (decision) decisions.push(decision);
    } catch (error) {
      if (!(error instanceof DriftgateError)) throw error;
      warnings.push(`precedent: skipped ${error.format()}`);
    }
  }
  return { decisions, fronts, warnings };
}

/** The ledger of a local checkout (`root` holds `.driftgate/`). */
export function localLedgerFiles(root: string): LedgerFiles {
  const base = join(root, '.driftgate', 'ledger');
  return {
    list: async () => {
      try {
        return (await readdir(base, { recursive: true })).map((name) =>
          join('.driftgate/ledger', String(name)),
        );
      } catch {
        return [];
      }
    },
    read: (path) => readFile(join(root, path), 'utf8'),
  };
}
