/** Flap verdicts: flapping at the threshold, re-opening backed off exponentially after it. */
import { describe, expect, it } from 'vitest';
import { flapVerdict } from '../../src/policy/flap.js';

const HOUR = 3_600_000;

describe('flapVerdict', () => {
  it('below the threshold a returned drift is not flapping', () => {
    expect(flapVerdict([1_000], 2)).toEqual({
      returns: 1,
      flapping: false,
      reopenAfterMs: undefined,
    });
  });

  it('at the threshold it flaps and its PR opens at once; each further return waits twice as long', () => {
    const t = 10 * HOUR;
    expect(flapVerdict([t - 2 * HOUR, t], 2)).toMatchObject({
      flapping: true,
      reopenAfterMs: undefined,
    });
    expect(flapVerdict([t - 2 * HOUR, t - HOUR, t], 2).reopenAfterMs).toBe(t + HOUR);
    expect(flapVerdict([1, 2, 3, t], 2).reopenAfterMs).toBe(t + 2 * HOUR);
    expect(flapVerdict([1, 2, 3, 4, t], 2).reopenAfterMs).toBe(t + 4 * HOUR);
  });
});
