/**
 * The ledger record a remediation PR commits: `.driftgate/ledger/<stack>/<date>-<fingerprint>.md`,
 * YAML front matter (machine-readable) plus prose (for people reading `git log -p`).
 * Values are the drift's, already masked: secrets never reach the ledger. Pure.
 */
import { stringify } from 'yaml';
import type { Direction, Drift, Tier } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import type { RevertPlan } from './revert.js';

export function ledgerPath(drift: Drift, date: Date): string {
  return `.driftgate/ledger/${drift.stack}/${date.toISOString().slice(0, 10)}-${drift.fingerprint}.md`;
}

export function renderLedgerRecord(input: {
  drift: Drift;
  direction: Direction;
  tier: Tier;
  revert: RevertPlan;
  date: Date;
}): string {
  const { drift } = input;
  const front = {
    driftgate: 1,
    drift_id: drift.fingerprint,
    stack: drift.stack,
    address: drift.address,
    type: drift.type,
    action: drift.action,
    direction: input.direction,
    tier: input.tier,
    detected_at: input.date.toISOString(),
    attribution: drift.attribution,
    security: drift.security,
    // The pre-image: what live was when the PR was opened, for the pre-check and for undo.
    changes: drift.changes.map((change) => ({
      path: formatPath(change.path),
      recorded: change.recorded,
      live: change.live,
    })),
    planned_operations:
      input.direction === 'revert'
        ? input.revert.operations.map((operation) => ({
            api: operation.api,
            params: operation.params,
          }))
        : [],
    outcome: null,
  };
  const prose = [
    `# ${input.direction === 'revert' ? 'Revert' : 'Codify'} drift on ${drift.address}`,
    '',
    `${drift.address} in stack ${drift.stack} ${drift.action === 'delete' ? 'was deleted' : 'was changed'} outside Terraform${drift.attribution ? ` by ${drift.attribution.actor} at ${drift.attribution.time}` : ''}.`,
    drift.security && drift.security.direction !== 'neutral'
      ? `Security: ${drift.security.direction}: ${drift.security.explanation}.`
      : '',
    `Proposed: ${input.direction} (${drift.directionReason ?? 'default'}); tier ${input.tier} (${drift.tierReason ?? 'policy'}).`,
  ].filter((line, index, all) => line !== '' || all[index - 1] !== '');
  return `---\n${stringify(front).trimEnd()}\n---\n\n${prose.join('\n')}\n`;
}

/** The commit message trailers that make `git log` an audit trail. */
export function commitTrailers(drift: Drift, direction: Direction, tier: Tier): string {
  return [
    `Drift-Id: ${drift.fingerprint}`,
    `Drift-Stack: ${drift.stack}`,
    `Drift-Address: ${drift.address}`,
    `Drift-Actor: ${drift.attribution?.actor ?? 'unknown'}`,
    `Drift-Tier: ${tier}`,
    `Drift-Direction: ${direction}`,
  ].join('\n');
}
