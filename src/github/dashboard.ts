/**
 * The drift dashboard: one issue per repository listing every stack, when it was last
 * scanned, each drift with its PR, the ignored drifts with their expiry, drifts waiting for
 * the hourly PR limit, and the resource types driftgate could not compare. Rendered from a
 * typed model kept (hidden) in the issue body, so a scan of one stack keeps the others' rows.
 *
 * A scan that finds exactly what the dashboard already says writes nothing, except once a
 * day, so "last scanned" never goes stale by more than a day and an idle repository's
 * scans stay free of writes.
 */
import { z } from 'zod';
import { parseHidden, renderHidden, type MetadataKey, type RecordReader } from './hidden-json.js';
import { inlineCode, plainText, tableCell } from '../report/markdown.js';
import { guardrailsSchema, renderGuardrails } from './dashboard-guardrails.js';
import { carryFirstSeen, renderDashboardContext } from '../context/dashboard-section.js';
import { driftHealthSchema, renderDriftHealth } from '../context/dashboard-health.js';

export const DASHBOARD_TITLE = 'driftgate: drift dashboard';
export const LABEL_DASHBOARD = 'driftgate:dashboard';
/** An unchanged dashboard is still rewritten after this long, to refresh scan times. */
export const DASHBOARD_HEARTBEAT_MS = 24 * 60 * 60_000;

const stackRowSchema = z.object({
  name: z.string(),
  environment: z.string(),
  scannedAt: z.string(),
  error: z.string().optional(),
  drifts: z.array(
    z.object({
      address: z.string(),
      fingerprint: z.string(),
      tier: z.number(),
      direction: z.string(),
      pullRequest: z.number().optional(),
      /** Not opened: over the hourly PR limit; opened by a later scan. */
      deferred: z.boolean().optional(),
      /** Context (docs/context.md): cause, first seen, and what groups related drifts. */
      cause: z.string().optional(),
      firstSeen: z.string().optional(),
      actor: z.string().optional(),
      time: z.string().optional(),
      eventId: z.string().optional(),
    }),
  ),
  notScanned: z.array(z.object({ type: z.string(), count: z.number() })),
  /** The stack's mode (report | propose | remediate); rows written before modes have none. */
  mode: z.string().optional(),
});

export const dashboardSchema = z.object({
  v: z.literal(1),
  updatedAt: z.string(),
  /** Groups of related drifts whose PRs were cross-linked (context/related-links.ts). */
  linkedGroups: z.array(z.string()).optional(),
  stacks: z.array(stackRowSchema),
  ignored: z.array(
    z.object({
      address: z.string(),
      attributes: z.array(z.string()).optional(),
      until: z.string().optional(),
      reason: z.string().optional(),
      owner: z.string().optional(),
      expired: z.boolean(),
    }),
  ),
  /** Breakers, waiting executions, flapping drifts (docs/guardrails.md). */
  guardrails: guardrailsSchema.optional(),
  /** Median time to remediate and recurring addresses from the ledger (docs/context.md). */
  health: driftHealthSchema.optional(),
});

export type Dashboard = z.infer<typeof dashboardSchema>;
export type DashboardStack = z.infer<typeof stackRowSchema>;

/** The issue's authentic record; a forged or edited one reads as none (and is reported). */
export function parseDashboard(
  reader: RecordReader,
  body: string | null | undefined,
): Dashboard | undefined {
  return parseHidden(reader, body, 'dashboard', dashboardSchema);
}

/** This scan's stacks replace their rows; stacks not scanned this time keep theirs; stacks no longer configured go. */
export function mergeDashboard(
  previous: Dashboard | undefined,
  scanned: DashboardStack[],
  configuredStacks: string[],
  ignored: Dashboard['ignored'],
  now: Date,
): Dashboard {
  const rows = new Map((previous?.stacks ?? []).map((row) => [row.name, row]));
  for (const row of carryFirstSeen(previous?.stacks ?? [], scanned, now)) rows.set(row.name, row);
  return {
    v: 1,
    updatedAt: now.toISOString(),
    stacks: configuredStacks.flatMap((name) => (rows.has(name) ? [rows.get(name)!] : [])),
    ignored,
    ...(previous?.guardrails ? { guardrails: previous.guardrails } : {}),
    ...(previous?.health ? { health: previous.health } : {}),
  };
}

/** The content a person reads, without times: equal content means nothing to write. */
function content(dashboard: Dashboard): unknown {
  return {
    stacks: dashboard.stacks.map(({ scannedAt: _scannedAt, ...row }) => row),
    ignored: dashboard.ignored,
    guardrails: dashboard.guardrails,
    linkedGroups: dashboard.linkedGroups ?? [],
    health: dashboard.health,
  };
}

export function dashboardNeedsWrite(
  previous: Dashboard | undefined,
  next: Dashboard,
  now: Date,
): boolean {
  if (!previous) return true;
  if (JSON.stringify(content(previous)) !== JSON.stringify(content(next))) return true;
  return now.getTime() - Date.parse(previous.updatedAt) >= DASHBOARD_HEARTBEAT_MS;
}

/** Every name, address, reason and error is escaped (src/report/markdown.ts). */
export function renderDashboard(key: MetadataKey, dashboard: Dashboard): string {
  const lines = [
    'driftgate keeps this issue up to date; it is rewritten when anything in it changes, and at least daily.',
    '',
  ];
  const open = dashboard.stacks.reduce((total, row) => total + row.drifts.length, 0);
  lines.push(`**${open} drift(s)** across ${dashboard.stacks.length} stack(s).`, '');
  for (const row of dashboard.stacks) {
    lines.push(
      `## ${inlineCode(row.name)} (${plainText(row.environment)})`,
      '',
      `Last scanned: ${plainText(row.scannedAt)}`,
    );
    if (row.mode) lines.push('', `Mode: **${plainText(row.mode)}**`);
    if (row.error)
      lines.push('', `**The last scan failed:** ${plainText(row.error.split('\n')[0] ?? '')}`);
    lines.push('');
    if (row.drifts.length) {
      lines.push('| Resource | Tier | Proposal | Pull request |', '| --- | --- | --- | --- |');
      for (const drift of row.drifts) {
        const pr = drift.pullRequest
          ? `#${drift.pullRequest}`
          : drift.deferred
            ? 'waiting (hourly PR limit)'
            : '—';
        lines.push(
          `| ${tableCell(inlineCode(drift.address))} | ${drift.tier} | ${tableCell(plainText(drift.direction))} | ${pr} |`,
        );
      }
    } else if (!row.error) {
      lines.push('No drift.');
    }
    const deferred = row.drifts.filter((drift) => drift.deferred).length;
    if (deferred)
      lines.push(
        '',
        `${deferred} drift(s) wait for the hourly PR limit (\`limits.prs_per_hour\`); the next scan opens them.`,
      );
    if (row.notScanned.length)
      lines.push(
        '',
        `Not compared (driftgate cannot read these types live; use a plan JSON for them): ${row.notScanned.map((entry) => `${inlineCode(entry.type)} × ${entry.count}`).join(', ')}.`,
      );
    lines.push('');
  }
  lines.push(...renderGuardrails(dashboard.guardrails));
  lines.push(...renderDashboardContext(dashboard.stacks, dashboard.updatedAt));
  lines.push(...renderDriftHealth(dashboard.health));
  lines.push('## Ignored', '');
  if (dashboard.ignored.length) {
    for (const rule of dashboard.ignored)
      lines.push(
        `- ${inlineCode(rule.address)}${rule.attributes?.length ? ` (${rule.attributes.map((path) => inlineCode(path)).join(', ')})` : ''}${rule.until ? `${rule.expired ? ' — **expired**' : ''} until ${plainText(rule.until)}` : ' — no expiry'}${rule.owner ? ` · owner ${plainText(`@${rule.owner}`)}` : ''}${rule.reason ? ` · ${plainText(rule.reason)}` : ''}`,
      );
  } else {
    lines.push('Nothing is ignored.');
  }
  lines.push('', renderHidden(key, 'dashboard', dashboard));
  return lines.join('\n');
}
