/**
 * Notification targets are the app's, named by repositories: with
 * `DRIFTGATE_NOTIFY_<NAME>_OWNERS`, only repositories of those owners reach the target, so
 * an app installed in several organisations cannot be told by one to post into another's
 * channel. A real local HTTP receiver counts what arrives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../src/jobs/memory-transport.js';
import { Metrics } from '../../src/jobs/metrics.js';
import { notify, notifyTargetsFrom } from '../../src/notify/notify.js';
import type { Notification } from '../../src/notify/events.js';

const DRIFT: Notification = {
  event: 'drift',
  stack: 'net',
  address: 'aws_security_group.web',
  tier: 2,
  direction: 'codify',
  security: undefined,
  pullRequest: 7,
};

describe('notification targets limited to owners', () => {
  let server: Server;
  let received = 0;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received++;
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const send = async (env: NodeJS.ProcessEnv, owner: string) => {
    const metrics = new Metrics(new MemoryTransport());
    const warnings: string[] = [];
    await notify(
      {
        targets: notifyTargetsFrom(env),
        metrics,
        log: {
          warn: (_data: unknown, message?: string) => void warnings.push(String(message)),
          info: () => {},
        },
        now: new Date('2026-11-25T00:00:00Z'),
      },
      [{ target: 'CHAT', kind: 'slack', events: ['drift'] }],
      { owner, repo: 'infra' },
      [DRIFT],
    );
    return {
      warnings,
      metrics: await metrics.registry.getSingleMetricAsString('driftgate_notifications_total'),
    };
  };

  it('sends for a listed owner (any case) and refuses every other owner, naming the variable', async () => {
    const env = { DRIFTGATE_NOTIFY_CHAT: url, DRIFTGATE_NOTIFY_CHAT_OWNERS: 'acme, Platform-Team' };
    const before = received;
    await send(env, 'platform-team');
    expect(received).toBe(before + 1);
    const refused = await send(env, 'intruder');
    expect(received).toBe(before + 1);
    expect(refused.warnings).toEqual([
      "DRIFTGATE_NOTIFY_CHAT_OWNERS does not list this repository's owner; not sent",
    ]);
    expect(refused.metrics).toContain('result="not-allowed"');
    // The owners list is not a target of its own.
    expect([...notifyTargetsFrom(env).keys()]).toEqual(['CHAT']);
  });

  it('without an owners list, every installation may use the target', async () => {
    const before = received;
    await send({ DRIFTGATE_NOTIFY_CHAT: url }, 'anyone');
    expect(received).toBe(before + 1);
  });
});
