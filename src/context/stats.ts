/**
 * Drift health from the ledger: how long drift lives (median time from detection to
 * remediation per stack), which addresses keep drifting, why drift happens (count by
 * cause), and how old the open drifts are. Pure: records and a clock in, figures out.
 */
import { CAUSES, type Cause } from './cause.js';
import type { LedgerFront } from '../remediation/ledger.js';

export interface StatsRecord {
  front: LedgerFront;
  /** When the record reached the default branch (git), if known: a remediation without an executed_at. */
  landedAt?: string | undefined;
}

export interface OpenDrift {
  stack: string;
  address: string;
  /** When driftgate first saw it. */
  since: string;
}

export interface DriftStats {
  since: string;
  until: string;
  stacks: { stack: string; remediated: number; median_hours_to_remediate: number | null }[];
  recurring: { stack: string; address: string; count: number }[];
  by_cause: Record<Cause, number>;
  open: { stack: string; address: string; age_hours: number }[];
}

const HOUR = 3_600_000;

/** `30d`, `12h`, `2w` → milliseconds; anything else is an error the caller words. */
export function parseWindow(text: string): number | undefined {
  const match = /^(\d+)([hdw])$/.exec(text.trim());
  if (!match) return undefined;
  const count = Number(match[1]);
  return count * (match[2] === 'h' ? HOUR : match[2] === 'd' ? 24 * HOUR : 7 * 24 * HOUR);
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (hours: number) => Math.round(hours * 10) / 10;

function causeOf(front: LedgerFront): Cause {
  const cause = (front as { cause?: unknown }).cause;
  return (CAUSES as readonly unknown[]).includes(cause) ? (cause as Cause) : 'unknown';
}

/** When the remediation was done: executed (app or terminal), else when its record landed. */
function remediatedAt(record: StatsRecord): string | undefined {
  const executed = (record.front.outcome as { executed_at?: unknown } | null)?.executed_at;
  if (typeof executed === 'string') return executed;
  return record.front.outcome ? record.landedAt : undefined;
}

export function computeDriftStats(input: {
  records: readonly StatsRecord[];
  open?: readonly OpenDrift[];
  now: Date;
  windowMs: number;
}): DriftStats {
  const until = input.now.getTime();
  const from = until - input.windowMs;
  // Undo records are the reverse of a remediation, not a drift of their own.
  const inWindow = input.records.filter((record) => {
    const detected = Date.parse(record.front.detected_at);
    return record.front.undo_of === undefined && detected >= from && detected <= until;
  });
  const durations = new Map<string, number[]>();
  const recurring = new Map<string, { stack: string; address: string; count: number }>();
  const byCause = Object.fromEntries(CAUSES.map((cause) => [cause, 0])) as Record<Cause, number>;
  for (const record of inWindow) {
    const { stack, address } = record.front;
    byCause[causeOf(record.front)] += 1;
    const key = `${stack}\n${address}`;
    const seen = recurring.get(key) ?? { stack, address, count: 0 };
    seen.count += 1;
    recurring.set(key, seen);
    const done = remediatedAt(record);
    if (!durations.has(stack)) durations.set(stack, []);
    if (done) {
      const hours = (Date.parse(done) - Date.parse(record.front.detected_at)) / HOUR;
      if (Number.isFinite(hours) && hours >= 0) durations.get(stack)!.push(hours);
    }
  }
  const open = [
    ...(input.open ?? []),
    // A record on the default branch without an outcome was merged and never executed: open.
    ...input.records
      .filter((record) => !record.front.outcome && record.front.undo_of === undefined)
      .map((record) => ({
        stack: record.front.stack,
        address: record.front.address,
        since: record.front.detected_at,
      })),
  ];
  return {
    since: new Date(from).toISOString(),
    until: input.now.toISOString(),
    stacks: [...durations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stack, hours]) => {
        const middle = median(hours);
        return {
          stack,
          remediated: hours.length,
          median_hours_to_remediate: middle === null ? null : round(middle),
        };
      }),
    recurring: [...recurring.values()]
      .filter((entry) => entry.count >= 2)
      .sort((a, b) => b.count - a.count || a.address.localeCompare(b.address)),
    by_cause: byCause,
    open: open
      .map((drift) => ({
        stack: drift.stack,
        address: drift.address,
        age_hours: round((until - Date.parse(drift.since)) / HOUR),
      }))
      .filter((drift) => Number.isFinite(drift.age_hours))
      .sort((a, b) => b.age_hours - a.age_hours),
  };
}

/** Hours as people read them: `5.5 h`, `3.2 d`. */
export function formatHours(hours: number | null): string {
  if (hours === null) return '—';
  return hours >= 48 ? `${round(hours / 24)} d` : `${hours} h`;
}
