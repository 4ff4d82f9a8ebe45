import { readFile } from 'node:fs/promises';
import type { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDriftgate } from '../../src/index.js';
import { testJobLayer } from '../support/jobs.js';

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
    void createDriftgate({ jobs: testJobLayer(), worker: false })(recorder as unknown as Probot, {
      cwd: process.cwd(),
      addHandler: () => undefined,
    });
    // GitHub sends these two to every app; a manifest cannot (and need not) subscribe to them.
    const always = ['installation', 'installation_repositories'];
    expect([...handled].sort()).toEqual([...manifest.default_events, ...always].sort());
  });
});
