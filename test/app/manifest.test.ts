import { readFile } from 'node:fs/promises';
import type { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appManifest } from '../../scripts/app-manifest.js';
import { createDriftgate } from '../../src/index.js';
import { testJobLayer } from '../support/jobs.js';
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
    void createDriftgate({
      jobs: testJobLayer(),
      environment: TEST_ENVIRONMENT,
      worker: false,
    })(recorder as unknown as Probot, {
      cwd: process.cwd(),
      addHandler: () => undefined,
    });
    // GitHub sends these two to every app; a manifest cannot (and need not) subscribe to them.
    const always = ['installation', 'installation_repositories'];
    expect([...handled].sort()).toEqual([...manifest.default_events, ...always].sort());
  });

  it('registers the webhook URL the deployment answers on, never a placeholder', async () => {
    const text = await readFile('app.yml', 'utf8');
    expect(text).not.toContain('example.invalid');
    expect(appManifest(text, 'https://driftgate.acme.io/api/github/webhooks')).toMatchObject({
      name: 'driftgate',
      hook_attributes: { url: 'https://driftgate.acme.io/api/github/webhooks', active: true },
    });
    expect(() => appManifest(text, undefined)).toThrow('--webhook-url is required');
    expect(() => appManifest(text, 'http://driftgate.acme.io/hook')).toThrow('must be https');
    expect(() => appManifest(text, 'https://example.invalid/api/github/webhooks')).toThrow(
      'placeholder',
    );
  });
});
