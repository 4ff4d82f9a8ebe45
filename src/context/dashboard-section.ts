/**
 * The dashboard's context: each open drift's cause and age, the count by cause, and drifts
 * in several stacks that share one cause (one CloudTrail event, or one actor within
 * minutes). Pure; every value is escaped.
 */
import type { Drift } from '../drift/model.js';
import { inlineCode, plainText } from '../report/markdown.js';
import { CAUSES, groupRelatedDrifts, type RelatedGroup } from './cause.js';
import { formatHours } from './stats.js';

/** What a dashboard row keeps of a drift's context. */
export interface DriftRowContext {
  cause?: string | undefined;
  firstSeen?: string | undefined;
  actor?: string | undefined;
  time?: string | undefined;
  eventId?: string | undefined;
}

export function rowContextOf(drift: Drift): DriftRowContext {
  return {
    ...(drift.cause ? { cause: drift.cause } : {}),
    ...(drift.attribution
      ? {
          actor: drift.attribution.actor,
          time: drift.attribution.time,
          ...(drift.attribution.eventId ? { eventId: drift.attribution.eventId } : {}),
        }
      : {}),
  };
}

interface Row {
  name: string;
  drifts: (DriftRowContext & {
    address: string;
    fingerprint: string;
    pullRequest?: number | undefined;
  })[];
}

/** A drift keeps the time it was first seen while its fingerprint stays the same. */
export function carryFirstSeen<T extends Row>(previous: readonly T[], next: T[], now: Date): T[] {
  const seen = new Map<string, string>();
  for (const row of previous)
    for (const drift of row.drifts)
      if (drift.firstSeen) seen.set(`${row.name}\n${drift.fingerprint}`, drift.firstSeen);
  return next.map((row) => ({
    ...row,
    drifts: row.drifts.map((drift) => ({
      ...drift,
      firstSeen:
        drift.firstSeen ?? seen.get(`${row.name}\n${drift.fingerprint}`) ?? now.toISOString(),
    })),
  }));
}

export function relatedGroupsOf(rows: readonly Row[], windowMinutes: number): RelatedGroup[] {
  return groupRelatedDrifts(
    rows.flatMap((row) =>
      row.drifts.map((drift) => ({
        stack: row.name,
        address: drift.address,
        pullRequest: drift.pullRequest,
        actor: drift.actor,
        time: drift.time,
        eventId: drift.eventId,
      })),
    ),
    windowMinutes,
  );
}

export function renderDashboardContext(
  rows: readonly Row[],
  updatedAt: string,
  windowMinutes = 15,
): string[] {
  const drifts = rows.flatMap((row) => row.drifts.map((drift) => ({ stack: row.name, ...drift })));
  if (!drifts.length) return [];
  const counts = new Map<string, number>(CAUSES.map((cause) => [cause, 0]));
  for (const drift of drifts) {
    const cause = drift.cause ?? 'unknown';
    counts.set(cause, (counts.get(cause) ?? 0) + 1);
  }
  const now = Date.parse(updatedAt);
  const lines = [
    '## Drift health',
    '',
    `Open drift by cause: ${[...counts].map(([cause, count]) => `${plainText(cause)} ${count}`).join(' · ')}.`,
    '',
    'Open drift, oldest first: ' +
      drifts
        .filter((drift) => drift.firstSeen)
        .sort((a, b) => a.firstSeen!.localeCompare(b.firstSeen!))
        .slice(0, 20)
        .map(
          (drift) =>
            `${inlineCode(drift.address)} (${inlineCode(drift.stack)}, ${plainText(drift.cause ?? 'unknown')}) ${formatHours(Math.round(((now - Date.parse(drift.firstSeen!)) / 3_600_000) * 10) / 10)}`,
        )
        .join(', ') +
      '.',
    '',
  ];
  const groups = relatedGroupsOf(rows, windowMinutes);
  if (groups.length) {
    lines.push('### Related drifts (one cause, several stacks)', '');
    for (const group of groups)
      lines.push(
        `- ${plainText(group.key)}: ${group.members
          .map(
            (member) =>
              `${inlineCode(member.address)} in ${inlineCode(member.stack)}${member.pullRequest ? ` #${member.pullRequest}` : ''}`,
          )
          .join(', ')}`,
      );
    lines.push('');
  }
  return lines;
}
