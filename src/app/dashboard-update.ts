/** The dashboard issue after a scan: one row per stack, written only when it changed. */
import type { DriftgateConfig } from '../config/schema.js';
import { isRuleActive } from '../drift/ignore.js';
import {
  DASHBOARD_TITLE,
  LABEL_DASHBOARD,
  dashboardNeedsWrite,
  mergeDashboard,
  parseDashboard,
  renderDashboard,
  type Dashboard,
  type DashboardStack,
} from '../github/dashboard.js';
import { EMPTY_GUARDRAILS, type Guardrails } from '../github/dashboard-guardrails.js';
import type { GitHubRepository } from '../github/repository.js';
import { ensureRelatedPullRequestsLinked } from '../context/related-links-update.js';
import { driftHealthOf } from '../context/dashboard-health.js';
import type { PastDecisions } from '../context/ledger-source.js';

export async function updateDashboard(
  github: GitHubRepository,
  config: DriftgateConfig,
  rows: DashboardStack[],
  now: Date,
  /** The ledger on the default branch (when precedent reads it): the drift-health figures. */
  ledger?: () => Promise<PastDecisions>,
): Promise<void> {
  const existing = await github.findDashboardIssue(LABEL_DASHBOARD, DASHBOARD_TITLE);
  const previous = parseDashboard(github.records, existing?.body);
  const next = mergeDashboard(
    previous,
    rows,
    config.stacks.map((stack) => stack.name),
    config.ignore.map((rule) => ({
      address: rule.address,
      ...(rule.attributes ? { attributes: rule.attributes } : {}),
      ...(rule.until ? { until: rule.until } : {}),
      ...(rule.reason ? { reason: rule.reason } : {}),
      ...(rule.owner ? { owner: rule.owner } : {}),
      expired: !isRuleActive(rule, now),
    })),
    now,
  );
  if (ledger) next.health = driftHealthOf((await ledger()).fronts, now);
  await ensureRelatedPullRequestsLinked(github, config, previous, next);
  if (!dashboardNeedsWrite(previous, next, now)) return;
  // Nothing to say and nothing said before: no issue at all.
  if (
    !existing &&
    next.stacks.every((row) => !row.drifts.length && !row.error) &&
    !next.ignored.length
  )
    return;
  if (existing)
    await github.updateIssueBody(existing.number, renderDashboard(github.records.key, next));
  else {
    await github.ensureLabels([LABEL_DASHBOARD]);
    await github.createIssue(DASHBOARD_TITLE, renderDashboard(github.records.key, next), [
      LABEL_DASHBOARD,
    ]);
  }
}

/**
 * Change the dashboard's guardrails section (breakers, waiting executions, flapping) outside
 * a scan: read, change, write when it changed. The job holds the repository's lock.
 */
export async function updateGuardrails(
  github: GitHubRepository,
  change: (guardrails: Guardrails) => Guardrails,
  now: Date,
): Promise<void> {
  const existing = await github.findDashboardIssue(LABEL_DASHBOARD, DASHBOARD_TITLE);
  const previous = parseDashboard(github.records, existing?.body);
  const before = previous?.guardrails ?? EMPTY_GUARDRAILS;
  const after = change(before);
  if (JSON.stringify(after) === JSON.stringify(before)) return;
  const next: Dashboard = {
    ...(previous ?? { v: 1 as const, stacks: [], ignored: [] }),
    updatedAt: previous?.updatedAt ?? now.toISOString(),
    guardrails: after,
  };
  const body = renderDashboard(github.records.key, next);
  if (existing) await github.updateIssueBody(existing.number, body);
  else {
    await github.ensureLabels([LABEL_DASHBOARD]);
    await github.createIssue(DASHBOARD_TITLE, body, [LABEL_DASHBOARD]);
  }
}
