import { readFile } from 'node:fs/promises';
import type { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDriftgate } from '../../src/index.js';
import { TEST_ENVIRONMENT } from '../support/records.js';

describe('app.yml', () => {
  it('subscribes to exactly the events the app handles', async () => {
    const manifest = parse(await readFile('app.yml', 'utf8')) as { default_events: string[] };
    const handled = new Set<string>();
    const recorder = {
      on: (events: string | string[]) => {
        for (const event of [events].flat()) handled.add(event.split('.')[0]!);
      },
      log: { info() {}, warn() {}, error() {} },
    };
    createDriftgate(TEST_ENVIRONMENT)(recorder as unknown as Probot);
    expect([...handled].sort()).toEqual([...manifest.default_events].sort());
  });
});
