import { describe, expect, it } from 'vitest';
import { isScanDue, jitterFor, nextScheduledAfter } from '../../src/app/scheduler.js';

describe('the scan schedule', () => {
  it('finds the next scheduled time strictly after a moment, in UTC', () => {
    expect(nextScheduledAfter('0 */6 * * *', new Date('2026-11-24T05:59:00Z')).toISOString()).toBe(
      '2026-11-24T06:00:00.000Z',
    );
    expect(nextScheduledAfter('0 */6 * * *', new Date('2026-11-24T06:00:00Z')).toISOString()).toBe(
      '2026-11-24T12:00:00.000Z',
    );
    expect(nextScheduledAfter('30 2 * * 1', new Date('2026-11-24T00:00:00Z')).toISOString()).toBe(
      '2026-11-30T02:30:00.000Z',
    );
  });

  it('spreads repositories over the jitter window, the same way every time', () => {
    const window = 10 * 60_000;
    const delays = ['acme/network', 'acme/platform', 'acme/data', 'acme/edge'].map((name) =>
      jitterFor(name, window),
    );
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0);
    for (const delay of delays) expect(delay).toBeLessThan(window);
    expect(new Set(delays).size).toBe(4);
    expect(jitterFor('acme/network', window)).toBe(delays[0]);
    expect(jitterFor('acme/network', 0)).toBe(0);
  });

  it('a scan is due once a scheduled time plus the delay has passed since the last scan', () => {
    const last = new Date('2026-11-24T06:01:00Z');
    const jitter = 4 * 60_000;
    expect(isScanDue('0 */6 * * *', last, new Date('2026-11-24T11:59:00Z'), jitter)).toBe(false);
    expect(isScanDue('0 */6 * * *', last, new Date('2026-11-24T12:03:59Z'), jitter)).toBe(false);
    expect(isScanDue('0 */6 * * *', last, new Date('2026-11-24T12:04:00Z'), jitter)).toBe(true);
    // Many missed slots still mean one scan, not one per slot.
    expect(isScanDue('0 */6 * * *', last, new Date('2026-11-26T00:00:00Z'), jitter)).toBe(true);
  });
});
