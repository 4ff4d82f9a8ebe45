/** Ledger records as a merged, applied revert PR leaves them, for tests of undo. */
import { writeFile } from 'node:fs/promises';
import type { Drift } from '../../src/drift/model.js';
import {
  parseLedgerRecord,
  renderLedgerRecord,
  withOutcome,
} from '../../src/remediation/ledger.js';
import { planRevert } from '../../src/remediation/revert.js';

export async function writeAppliedRevertRecord(
  path: string,
  drift: Drift,
  resourceId: string,
  pullRequest = 7,
): Promise<void> {
  const record = renderLedgerRecord({
    drift,
    direction: 'revert',
    tier: 2,
    revert: planRevert(drift, resourceId),
    date: new Date(),
  });
  await writeFile(
    path,
    withOutcome(parseLedgerRecord(record, path), {
      status: 'applied',
      pull_request: pullRequest,
      merged_by: 'maintainer',
      approved_by: ['reviewer'],
      executed_at: new Date().toISOString(),
      operations: [],
      rollback: [],
      precheck: 'ok',
      verification: 'ok',
      duration_ms: 1,
    }),
  );
}

/** A past decision as the default branch holds it: the record a merged PR left, with its outcome (or none). */
export async function writeDecidedRecord(
  root: string,
  input: {
    stack: string;
    address: string;
    fingerprint: string;
    detectedAt: Date;
    executedAt: Date | null;
    direction?: 'revert' | 'codify';
    cause?: Drift['cause'];
    mergedBy?: string;
    pullRequest?: number;
    changes?: { path: string; recorded: unknown; live: unknown }[];
    security?: Drift['security'];
  },
): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { parsePath } = await import('../../src/terraform/path.js');
  const drift: Drift = {
    stack: input.stack,
    address: input.address,
    type: input.address.split('.')[0]!,
    action: 'update',
    fingerprint: input.fingerprint,
    source: 'aws',
    attribution: null,
    tier: 2,
    tierReason: null,
    direction: input.direction ?? 'revert',
    directionReason: null,
    security: input.security ?? null,
    cause: input.cause,
    changes: (input.changes ?? [{ path: 'tags.Owner', recorded: null, live: 'ops' }]).map(
      (change) => ({ ...change, path: parsePath(change.path)!, sensitive: false }),
    ),
  };
  const direction = input.direction ?? 'revert';
  const path = join(
    root,
    '.driftgate/ledger',
    input.stack,
    `${input.detectedAt.toISOString().slice(0, 10)}-${input.fingerprint}.md`,
  );
  await mkdir(join(root, '.driftgate/ledger', input.stack), { recursive: true });
  const text = renderLedgerRecord({
    drift,
    direction,
    tier: 2,
    revert: { operations: [], refusals: [], terraformCommands: [] },
    date: input.detectedAt,
  });
  await writeFile(
    path,
    input.executedAt
      ? withOutcome(parseLedgerRecord(text, path), {
          status: direction === 'codify' ? 'codified' : 'applied',
          pull_request: input.pullRequest ?? 1,
          merged_by: input.mergedBy ?? 'maintainer',
          approved_by: [],
          executed_at: input.executedAt.toISOString(),
          operations: [],
          rollback: [],
          precheck: 'ok',
          verification: 'ok',
          duration_ms: 1,
        })
      : text,
  );
  return path;
}
