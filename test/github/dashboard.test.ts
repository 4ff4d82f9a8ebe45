import { describe, expect, it } from 'vitest';
import {
  dashboardNeedsWrite,
  mergeDashboard,
  parseDashboard,
  renderDashboard,
  type DashboardStack,
} from '../../src/github/dashboard.js';
import { TEST_ENVIRONMENT, TEST_RECORDS } from '../support/records.js';

const KEY = TEST_ENVIRONMENT.metadataKey;

const row = (name: string, scannedAt: string, drifts: DashboardStack['drifts'] = []) => ({
  name,
  environment: 'prod',
  scannedAt,
  drifts,
  notScanned: [{ type: 'aws_lambda_function', count: 3 }],
});

describe('the drift dashboard', () => {
  const t0 = new Date('2026-11-24T06:00:00Z');
  const first = mergeDashboard(
    undefined,
    [
      row('network', t0.toISOString(), [
        {
          address: 'aws_security_group.web',
          fingerprint: 'f1',
          tier: 2,
          direction: 'revert',
          pullRequest: 7,
        },
      ]),
      row('data', t0.toISOString()),
    ],
    ['network', 'data'],
    [
      {
        address: 'aws_vpc.legacy',
        until: '2026-12-01',
        owner: 'ana',
        reason: 'migration',
        expired: false,
      },
    ],
    t0,
  );

  it('renders every stack, its drifts with their PRs, what was not compared, and the ignores', () => {
    const body = renderDashboard(KEY, first);
    expect(body).toContain('**1 drift(s)** across 2 stack(s).');
    expect(body).toContain('| `aws_security_group.web` | 2 | revert | #7 |');
    expect(body).toContain('`aws_lambda_function` × 3');
    expect(body).toContain('- `aws_vpc.legacy` until 2026-12-01 · owner @\u2060ana · migration');
    expect(parseDashboard(TEST_RECORDS, body)).toEqual(first);
  });

  it('a scan of one stack keeps the other rows; removed stacks disappear', () => {
    const t1 = new Date('2026-11-24T12:00:00Z');
    const next = mergeDashboard(
      first,
      [row('data', t1.toISOString())],
      ['data', 'network'],
      [],
      t1,
    );
    expect(next.stacks.map((stack) => [stack.name, stack.scannedAt])).toEqual([
      ['data', t1.toISOString()],
      ['network', t0.toISOString()],
    ]);
    const without = mergeDashboard(first, [], ['data'], [], t1);
    expect(without.stacks.map((stack) => stack.name)).toEqual(['data']);
  });

  it('is rewritten when its content changes or a day has passed, not for a newer scan time alone', () => {
    const sixHoursLater = new Date(t0.getTime() + 6 * 3_600_000);
    const rescanned = mergeDashboard(
      first,
      first.stacks.map((stack) => ({ ...stack, scannedAt: sixHoursLater.toISOString() })),
      ['network', 'data'],
      first.ignored,
      sixHoursLater,
    );
    expect(dashboardNeedsWrite(first, rescanned, sixHoursLater)).toBe(false);
    expect(dashboardNeedsWrite(first, rescanned, new Date(t0.getTime() + 24 * 3_600_000))).toBe(
      true,
    );
    const fixed = {
      ...rescanned,
      stacks: rescanned.stacks.map((stack) => ({ ...stack, drifts: [] })),
    };
    expect(dashboardNeedsWrite(first, fixed, sixHoursLater)).toBe(true);
  });
});
