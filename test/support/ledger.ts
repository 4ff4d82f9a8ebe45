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
