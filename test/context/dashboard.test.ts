/**
 * Given drifts in several stacks, some from one CloudTrail event or one person within
 * minutes, when the dashboard is merged and rendered, then it shows the count by cause,
 * each open drift's age (kept from when it was first seen), and the related drifts with
 * their PRs.
 */
import { describe, expect, it } from 'vitest';
import {
  mergeDashboard,
  renderDashboard,
  type DashboardStack,
} from '../../src/github/dashboard.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftHealthOf } from '../../src/context/dashboard-health.js';
import { localLedgerFiles, readPastDecisions } from '../../src/context/ledger-source.js';
import { dashboardNeedsWrite } from '../../src/github/dashboard.js';
import { writeDecidedRecord } from '../support/ledger.js';
import { TEST_ENVIRONMENT } from '../support/records.js';

const KEY = TEST_ENVIRONMENT.metadataKey;
const row = (name: string, drifts: DashboardStack['drifts']): DashboardStack => ({
  name,
  environment: 'prod',
  scannedAt: '2026-11-24T06:00:00Z',
  drifts,
  notScanned: [],
});
const drift = (address: string, extra: Partial<DashboardStack['drifts'][number]>) => ({
  address,
  fingerprint: `fp-${address}`,
  tier: 2,
  direction: 'revert',
  ...extra,
});

describe('drift health on the dashboard', () => {
  const t0 = new Date('2026-11-24T06:00:00Z');
  const t1 = new Date('2026-11-26T06:00:00Z');
  const rows = [
    row('network', [
      drift('aws_security_group.web', {
        cause: 'manual',
        actor: 'alice',
        time: '2026-11-24T05:50:00Z',
        eventId: 'ev-1',
        pullRequest: 7,
      }),
      drift('aws_vpc.main', {
        cause: 'automation',
        actor: 'bot/run',
        time: '2026-11-23T01:00:00Z',
        eventId: 'ev-9',
        pullRequest: 8,
      }),
    ]),
    row('data', [
      drift('aws_security_group.db', {
        cause: 'manual',
        actor: 'alice',
        time: '2026-11-24T05:55:00Z',
        eventId: 'ev-2',
        pullRequest: 9,
      }),
    ]),
  ];
  const first = mergeDashboard(undefined, rows, ['network', 'data'], [], t0);
  // Two days later the same drifts are still open; one new drift appears.
  const later = mergeDashboard(
    first,
    [
      {
        ...rows[0]!,
        drifts: [...rows[0]!.drifts, drift('aws_subnet.a', { cause: 'stale-state' })],
      },
      rows[1]!,
    ],
    ['network', 'data'],
    [],
    t1,
  );

  it('keeps when each drift was first seen, and shows its age and the count by cause', () => {
    const body = renderDashboard(KEY, later);
    expect(body).toContain(
      'Open drift by cause: manual 2 · automation 1 · terraform 0 · stale-state 1 · unknown 0.',
    );
    expect(body).toContain('`aws_security_group.web` (`network`, manual) 2 d');
    expect(body).toContain('`aws_subnet.a` (`network`, stale-state) 0 h');
  });

  it("groups one actor's drifts in two stacks within minutes, with their PRs", () => {
    const body = renderDashboard(KEY, later);
    expect(body).toContain(
      '### Related drifts (one cause, several stacks)\n\n- alice within 15 min: `aws_security_group.web` in `network` #7, `aws_security_group.db` in `data` #9',
    );
    expect(body).not.toMatch(/Related[^#]*aws_vpc\.main/);
  });
});

describe('remediation figures from the ledger on the dashboard', () => {
  const HOUR = 3_600_000;
  const now = new Date('2026-11-25T12:00:00Z');
  const at = (days: number, hours = 0) => new Date(now.getTime() - days * 24 * HOUR + hours * HOUR);

  it('shows the median time to remediate per stack and the recurring addresses of the last 30 days', async () => {
    const root = await mkdtemp(join(tmpdir(), 'driftgate-health-'));
    const records = [
      ['net', 'aws_security_group.web', at(20), at(20, 4)],
      ['net', 'aws_security_group.web', at(5), at(5, 10)],
      ['net', 'aws_vpc.main', at(4), at(4, 1)],
      ['app', 'aws_instance.api', at(3), at(3, 6)],
      ['app', 'aws_instance.api', at(45), at(45, 100)], // outside the window
    ] as const;
    let n = 0;
    for (const [stack, address, detectedAt, executedAt] of records)
      await writeDecidedRecord(root, {
        stack,
        address,
        fingerprint: `b00000000000000${++n}`,
        detectedAt,
        executedAt,
      });
    const ledger = await readPastDecisions(localLedgerFiles(root));
    const dashboard = {
      ...mergeDashboard(undefined, [row('net', []), row('app', [])], ['net', 'app'], [], now),
      health: driftHealthOf(ledger.fronts, now),
    };
    const body = renderDashboard(KEY, dashboard);
    expect(body).toContain(
      'Median time to remediate: `app` 6 h (1 remediated), `net` 4 h (3 remediated).',
    );
    expect(body).toContain('Recurring addresses: `aws_security_group.web` in `net` ×2.');
    expect(body).not.toContain('aws_instance.api` in `app` ×');
    // The same ledger a scan later: nothing to write.
    const again = {
      ...mergeDashboard(dashboard, [row('net', []), row('app', [])], ['net', 'app'], [], now),
      health: driftHealthOf(ledger.fronts, new Date(now.getTime() + HOUR)),
    };
    expect(dashboardNeedsWrite(dashboard, again, new Date(now.getTime() + HOUR))).toBe(false);
  });
});
