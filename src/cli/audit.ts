/**
 * The audit trail, read from git: `driftgate log` lists remediations newest first from the
 * ledger records; `driftgate blame FILE[:LINE]` is `git blame` with, for every line a
 * driftgate commit wrote, the drift id, the live actor (CloudTrail), who approved and who
 * merged the PR, and the PR.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DriftgateError } from '../errors.js';
import { parseLedgerRecord, type LedgerRecord } from '../remediation/ledger.js';
import type { CliIo } from './io.js';

const run = promisify(execFile);

export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new DriftgateError(`git ${args[0]} failed: ${stderr || (error as Error).message}`);
  }
}

interface LedgerEntry {
  path: string;
  record: LedgerRecord;
}

interface Outcome {
  status?: string;
  pull_request?: number | null;
  executed_by?: string;
  via?: string;
  merged_by?: string | null;
  approved_by?: string[];
  executed_at?: string;
}

/** Every ledger record of a checkout (`root` holds `.driftgate/`), by file name. */
export async function readLedger(root: string): Promise<LedgerEntry[]> {
  const base = join(root, '.driftgate', 'ledger');
  let names: string[];
  try {
    names = (await readdir(base, { recursive: true })).map(String);
  } catch {
    return [];
  }
  const entries: LedgerEntry[] = [];
  for (const name of names.filter((candidate) => candidate.endsWith('.md')).sort()) {
    const path = join(base, name);
    entries.push({ path, record: parseLedgerRecord(await readFile(path, 'utf8'), path) });
  }
  return entries;
}

const outcomeOf = (record: LedgerRecord) => (record.front.outcome ?? {}) as Outcome;

export function describeOutcome(outcome: Outcome): string {
  if (!outcome.status) return 'open (not merged yet)';
  if (outcome.via === 'cli')
    return `${outcome.status}, run from a terminal by ${outcome.executed_by ?? 'unknown'}`;
  return `${outcome.status}${outcome.merged_by ? `, merged by ${outcome.merged_by}` : ''}${outcome.approved_by?.length ? `, approved by ${outcome.approved_by.join(', ')}` : ''}${outcome.pull_request ? ` (#${outcome.pull_request})` : ''}`;
}

/** Drift-Id and friends from a commit message's trailers. */
export function parseTrailers(message: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const match of message.matchAll(/^(Drift-[A-Za-z-]+): (.+)$/gm))
    trailers[match[1]!] = match[2]!.trim();
  return trailers;
}

async function repositoryUrl(root: string): Promise<string | undefined> {
  try {
    const url = (await git(root, ['remote', 'get-url', 'origin'])).trim();
    const match = /github\.com[:/](.+?)(\.git)?$/.exec(url);
    return match ? `https://github.com/${match[1]}` : undefined;
  } catch {
    return undefined;
  }
}

export async function runLog(
  io: CliIo,
  flags: { stack?: string; repo: string; format: string },
): Promise<void> {
  const entries = (await readLedger(resolve(flags.repo)))
    .filter((entry) => !flags.stack || entry.record.front.stack === flags.stack)
    .sort((a, b) =>
      (outcomeOf(b.record).executed_at ?? b.record.front.detected_at).localeCompare(
        outcomeOf(a.record).executed_at ?? a.record.front.detected_at,
      ),
    );
  if (flags.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        entries.map((entry) => ({
          file: relative(resolve(flags.repo), entry.path),
          ...entry.record.front,
        })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (!entries.length) {
    io.stdout('no remediations recorded.\n');
    return;
  }
  for (const { record } of entries) {
    const front = record.front;
    io.stdout(
      `${(outcomeOf(record).executed_at ?? front.detected_at).slice(0, 16).replace('T', ' ')}  ${front.stack}  ${front.address}  ${front.undo_of === undefined ? front.direction : `undo of ${typeof front.undo_of === 'number' ? `#${front.undo_of}` : front.undo_of}`}  tier ${front.tier}  drift ${front.drift_id}  actor ${front.attribution?.actor ?? 'unknown'}  ${describeOutcome(outcomeOf(record))}\n`,
    );
  }
}

export async function runBlame(io: CliIo, target: string): Promise<void> {
  const match = /^(.*?)(?::(\d+))?$/.exec(target)!;
  const file = resolve(match[1]!);
  const line = match[2] ? Number(match[2]) : undefined;
  const root = (await git(resolve(file, '..'), ['rev-parse', '--show-toplevel'])).trim();
  const porcelain = await git(root, [
    'blame',
    '--line-porcelain',
    ...(line ? ['-L', `${line},${line}`] : []),
    '--',
    relative(root, file),
  ]);
  const ledger = await readLedger(root);
  const byDrift = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    const list = byDrift.get(entry.record.front.drift_id) ?? [];
    list.push(entry);
    byDrift.set(entry.record.front.drift_id, list);
  }
  const url = await repositoryUrl(root);
  const messages = new Map<string, string>();
  const blocks = porcelain.split(/\n(?=[0-9a-f]{40} \d+ \d+)/);
  for (const block of blocks) {
    if (!block.trim()) continue;
    const [header] = block.split('\n');
    const [sha, , finalLine] = header!.split(' ');
    const author = /^author (.*)$/m.exec(block)?.[1] ?? '';
    const code = /^\t(.*)$/m.exec(block)?.[1] ?? '';
    if (!messages.has(sha!))
      messages.set(sha!, await git(root, ['log', '-1', '--format=%B', sha!]));
    const trailers = parseTrailers(messages.get(sha!)!);
    let note = `${sha!.slice(0, 8)} ${author}`;
    const driftId = trailers['Drift-Id'];
    if (driftId) {
      const pr = /\(#(\d+)\)\s*$/m.exec(messages.get(sha!)!.split('\n')[0]!)?.[1];
      // The record of the merge that landed this commit (an undo has its own record).
      const entry = (byDrift.get(driftId) ?? []).find((candidate) =>
        pr ? outcomeOf(candidate.record).pull_request === Number(pr) : true,
      );
      const outcome = entry ? outcomeOf(entry.record) : {};
      const number = outcome.pull_request ?? (pr ? Number(pr) : undefined);
      note = `${sha!.slice(0, 8)} driftgate drift ${driftId} ${trailers['Drift-Direction'] ?? ''} · live actor ${trailers['Drift-Actor'] ?? 'unknown'} · approved by ${outcome.approved_by?.length ? outcome.approved_by.join(', ') : 'nobody recorded'} · merged by ${outcome.merged_by ?? 'unknown'}${number ? ` · ${url ? `${url}/pull/${number}` : `#${number}`}` : ''}`;
    }
    io.stdout(`${finalLine!.padStart(4)} ${note} | ${code}\n`);
  }
}
