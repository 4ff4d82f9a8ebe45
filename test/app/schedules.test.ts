import { describe, expect, it } from 'vitest';
import { nextScheduledAfter } from '../../src/app/schedules.js';
import { jitterFor } from '../../src/jobs/jitter.js';

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
});
