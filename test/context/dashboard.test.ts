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
