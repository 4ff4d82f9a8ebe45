/**
 * `driftgate stats [--since 30d] [--format markdown|json]`: drift health from the
 * ledger records in git (time to remediate, recurring addresses, causes, open drift).
 */
import { relative, resolve } from 'node:path';
import { DriftgateError } from '../errors.js';
import { computeDriftStats, parseWindow, type StatsRecord } from '../context/stats.js';
import { renderStatsMarkdown } from '../context/stats-render.js';
import { git, readLedger } from './audit.js';
import type { CliIo } from './io.js';

export interface StatsFlags {
  since: string;
  format: string;
  repo: string;
}

/** When each ledger file was added on the current branch (git), by repository-relative path. */
async function landedDates(root: string): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  let out: string;
  try {
    out = await git(root, [
      'log',
      '--diff-filter=A',
      '--name-only',
      '--format=@%cI',
      '--',
      '.driftgate/ledger',
    ]);
  } catch {
    return dates; // not a git checkout: executed_at alone
  }
  let current = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('@')) current = line.slice(1);
    else if (line.trim() && !dates.has(line.trim())) dates.set(line.trim(), current);
  }
  return dates;
}

export async function readStatsRecords(root: string): Promise<StatsRecord[]> {
  const entries = await readLedger(root);
  if (!entries.length) return [];
  const landed = await landedDates(root);
  return entries.map(({ path, record }) => ({
    front: record.front,
    landedAt: landed.get(relative(root, path)),
  }));
}

export async function runStats(io: CliIo, flags: StatsFlags, now = new Date()): Promise<void> {
  const windowMs = parseWindow(flags.since);
  if (windowMs === undefined)
    throw new DriftgateError(
      `--since ${JSON.stringify(flags.since)}: expected a number and h, d or w, such as 30d`,
    );
  if (flags.format !== 'json' && flags.format !== 'markdown')
    throw new DriftgateError(`--format ${JSON.stringify(flags.format)}: expected json or markdown`);
  const records = await readStatsRecords(resolve(flags.repo));
  const stats = computeDriftStats({ records, now, windowMs });
  io.stdout(
    flags.format === 'json' ? `${JSON.stringify(stats, null, 2)}\n` : renderStatsMarkdown(stats),
  );
}
