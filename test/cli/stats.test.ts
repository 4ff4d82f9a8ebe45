/**
 * Given a ledger with remediations at known times, when `driftgate stats` runs, then the
 * median time to remediate per stack, the recurring addresses, the count by cause and the
 * open drift's age are those of the records (older records fall outside --since).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { writeDecidedRecord } from '../support/ledger.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('driftgate stats', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'driftgate-stats-'));
    // Whole hours before now, so every figure is exact whenever the test runs.
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const at = (days: number, hours = 0) => new Date(now - days * DAY + hours * HOUR);
    const records = [
      {
        stack: 'net',
        address: 'aws_security_group.web',
        fp: 'a000000000000001',
        d: at(20),
        e: at(20, 4),
        cause: 'manual',
      },
      {
        stack: 'net',
        address: 'aws_security_group.web',
        fp: 'a000000000000002',
        d: at(5),
        e: at(5, 10),
        cause: 'manual',
      },
      {
        stack: 'net',
        address: 'aws_vpc.main',
        fp: 'a000000000000003',
        d: at(4),
        e: at(4, 1),
        cause: 'automation',
      },
      {
        stack: 'app',
        address: 'aws_instance.api',
        fp: 'a000000000000004',
        d: at(3),
        e: at(3, 6),
        cause: 'stale-state',
      },
      // Outside the 30-day window: counted nowhere.
      {
        stack: 'app',
        address: 'aws_instance.api',
        fp: 'a000000000000005',
        d: at(45),
        e: at(45, 100),
        cause: 'manual',
      },
      // Merged, never executed: open since then.
      {
        stack: 'app',
        address: 'aws_instance.worker',
        fp: 'a000000000000006',
        d: at(0, -12),
        e: null,
        cause: 'terraform',
      },
    ] as const;
    for (const record of records)
      await writeDecidedRecord(root, {
        stack: record.stack,
        address: record.address,
        fingerprint: record.fp,
        detectedAt: record.d,
        executedAt: record.e,
        cause: record.cause,
      });
  });

  it('reports the figures of the ledger as JSON', async () => {
    const io = captureIo();
    expect(await runCli(['stats', '--repo', root, '--since', '30d', '--format', 'json'], io)).toBe(
      0,
    );
    const stats = JSON.parse(io.out());
    expect(stats.stacks).toEqual([
      { stack: 'app', remediated: 1, median_hours_to_remediate: 6 },
      { stack: 'net', remediated: 3, median_hours_to_remediate: 4 },
    ]);
    expect(stats.recurring).toEqual([
      { stack: 'net', address: 'aws_security_group.web', count: 2 },
    ]);
    expect(stats.by_cause).toEqual({
      manual: 2,
      automation: 1,
      terraform: 1,
      'stale-state': 1,
      unknown: 0,
    });
    // Open since 12 h before the whole hour the records were written at.
    expect(stats.open).toEqual([
      { stack: 'app', address: 'aws_instance.worker', age_hours: expect.any(Number) },
    ]);
    expect(stats.open[0].age_hours).toBeGreaterThanOrEqual(12);
    expect(stats.open[0].age_hours).toBeLessThan(13.1);
  });

  it('a shorter window leaves older records out; markdown is the default format', async () => {
    const io = captureIo();
    expect(await runCli(['stats', '--repo', root, '--since', '7d'], io)).toBe(0);
    expect(io.out()).toContain('| `net` | 2 | 5.5 h |');
    expect(io.out()).toContain(
      'By cause: manual 1 · automation 1 · terraform 1 · stale-state 1 · unknown 0.',
    );
  });

  it('a bad --since is one line and exit 1', async () => {
    const io = captureIo();
    expect(await runCli(['stats', '--repo', root, '--since', 'a month'], io)).toBe(1);
    expect(io.err()).toBe(
      'driftgate: error: --since "a month": expected a number and h, d or w, such as 30d\n',
    );
  });
});
