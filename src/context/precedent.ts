/**
 * What the team decided last time: past ledger records (on the default branch) of similar
 * drifts — the same address, else the same type, changed attribute paths and security
 * direction — summarised for the PR, and, with `precedent: follow`, a clear majority as the
 * default direction. Pure: records in, decisions out.
 */
import type { Direction, Drift } from '../drift/model.js';
import type { LedgerFront } from '../remediation/ledger.js';
import { formatPath } from '../terraform/path.js';

export interface PastDecision {
  stack: string;
  address: string;
  type: string;
  direction: Direction;
  /** Attribute paths with set indexes removed (`ingress[*].cidr_blocks`). */
  paths: string[];
  security: string | null;
  /** Who merged the PR that recorded it (or ran it from a terminal). */
  decidedBy: string | null;
  pullRequest: number | null;
  detectedAt: string;
}

export interface Precedent {
  match: 'address' | 'similar';
  decisions: PastDecision[];
}

/** `ingress[3].cidr_blocks` and `ingress[0].cidr_blocks` are the same attribute. */
function pathShape(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}

function pathSet(paths: readonly string[]): string {
  return [...new Set(paths.map(pathShape))].sort().join('\n');
}

/** A record that counts as a decision: merged (it has an outcome), not an undo. */
export function pastDecisionOf(front: LedgerFront): PastDecision | undefined {
  if (!front.outcome || front.undo_of !== undefined) return undefined;
  const outcome = front.outcome as {
    status?: unknown;
    merged_by?: unknown;
    executed_by?: unknown;
    pull_request?: unknown;
  };
  const status = typeof outcome.status === 'string' ? outcome.status : '';
  // A remediation that failed or was rolled back is not what the team settled on.
  if (/^(failed|rolled-back)/.test(status)) return undefined;
  const security = (front.security as { direction?: unknown } | null | undefined)?.direction;
  const by =
    typeof outcome.merged_by === 'string'
      ? outcome.merged_by
      : typeof outcome.executed_by === 'string'
        ? outcome.executed_by
        : null;
  return {
    stack: front.stack,
    address: front.address,
    type: front.type,
    direction: front.direction,
    paths: front.changes.map((change) => pathShape(change.path)),
    security: typeof security === 'string' ? security : null,
    decidedBy: by,
    pullRequest: typeof outcome.pull_request === 'number' ? outcome.pull_request : null,
    detectedAt: front.detected_at,
  };
}

/** Past decisions on the same address (in the same stack); else on similar drifts anywhere. */
export function findPrecedent(
  drift: Drift,
  decisions: readonly PastDecision[],
): Precedent | undefined {
  const newestFirst = [...decisions].sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
  const same = newestFirst.filter(
    (decision) => decision.stack === drift.stack && decision.address === drift.address,
  );
  if (same.length) return { match: 'address', decisions: same };
  const shape = pathSet(drift.changes.map((change) => formatPath(change.path)));
  const security = drift.security?.direction ?? null;
  const similar = newestFirst.filter(
    (decision) =>
      decision.type === drift.type &&
      pathSet(decision.paths) === shape &&
      decision.security === security,
  );
  return similar.length ? { match: 'similar', decisions: similar } : undefined;
}

/**
 * The direction a clear majority chose: at least two decisions, and two thirds or more of
 * them one way. A split team is no precedent.
 */
export function majorityDirection(precedent: Precedent | undefined): Direction | undefined {
  if (!precedent || precedent.decisions.length < 2) return undefined;
  const codified = precedent.decisions.filter((decision) => decision.direction === 'codify').length;
  const reverted = precedent.decisions.length - codified;
  const needed = (precedent.decisions.length * 2) / 3;
  if (codified >= needed) return 'codify';
  if (reverted >= needed) return 'revert';
  return undefined;
}

function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

/** "3 similar: codified twice by @a, reverted once by @b" (plain text; the caller escapes). */
export function summarisePrecedent(precedent: Precedent): string {
  const parts: string[] = [];
  for (const direction of ['codify', 'revert'] as const) {
    const chosen = precedent.decisions.filter((decision) => decision.direction === direction);
    if (!chosen.length) continue;
    const people = [
      ...new Set(
        chosen.map((decision) => (decision.decidedBy ? `@${decision.decidedBy}` : 'unknown')),
      ),
    ];
    parts.push(
      `${direction === 'codify' ? 'codified' : 'reverted'} ${times(chosen.length)} by ${people.join(', ')}`,
    );
  }
  const what = precedent.match === 'address' ? 'on this resource' : 'similar';
  return `${precedent.decisions.length} ${what}: ${parts.join(', ')}`;
}

export function precedentDirectionReason(precedent: Precedent, direction: Direction): string {
  return `precedent (precedent: follow): ${summarisePrecedent(precedent)} — a clear majority ${direction === 'codify' ? 'codified' : 'reverted'}`;
}
