import { describe, expect, it } from 'vitest';
import { createJobLayer, settingsFromEnv } from '../../src/jobs/create.js';

describe('choosing the transport from the environment', () => {
  it('without REDIS_URL: the in-process transport, and "single-instance mode" said once', async () => {
    const lines: string[] = [];
    const log = {
      info: (_: object, message?: string) => void lines.push(message ?? ''),
      warn: () => {},
      error: () => {},
    };
    const jobs = createJobLayer(settingsFromEnv({}, log));
    expect(jobs.mode).toBe('memory');
    expect(lines.filter((line) => line.startsWith('single-instance mode'))).toHaveLength(1);
    expect(await jobs.ready()).toBe(true);
    await jobs.close();
  });

  it('a bad setting is one clear line', () => {
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    expect(() => settingsFromEnv({ DRIFTGATE_LOCK_TTL_MS: 'soon' }, log)).toThrow(
      'DRIFTGATE_LOCK_TTL_MS must be a positive whole number of milliseconds, not "soon"',
    );
  });
});
