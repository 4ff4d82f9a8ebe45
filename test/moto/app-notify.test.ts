/**
 * Notifications (docs/guardrails.md#notifications) to a real local HTTP receiver: one signed
 * webhook message and one Slack message per scan, whatever the number of drifts; the URLs
 * come from the app's environment by name and never appear in a PR or the dashboard.
 */
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifySignature } from '../../src/notify/sign.js';
import { DriftRepository, SSH } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { TEST_ENVIRONMENT } from '../support/records.js';

useMotoEndpointForApp();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = 'whsec-test-0123456789';

describeWithMoto('notifications after a scan', () => {
  let world: DriftRepository;
  let server: Server;
  const received: Received[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        // The first delivery to the webhook fails: driftgate retries it.
        if (request.url === '/hook' && failuresLeft-- > 0) {
          response.writeHead(503).end();
          return;
        }
        received.push({ path: request.url ?? '', headers: request.headers, body });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    world = await DriftRepository.create({
      environment: 'prod',
      groups: ['web', 'api'],
      configExtra:
        'notifications:\n  - target: OPS\n    kind: webhook\n  - target: CHAT\n    kind: slack\n    events: [drift]\n',
      appEnvironment: {
        ...TEST_ENVIRONMENT,
        notifyTargets: new Map([
          ['OPS', { url: `http://127.0.0.1:${port}/hook`, secret: SECRET }],
          [
            'CHAT',
            { url: `http://127.0.0.1:${port}/slack/T000/B000/secret-path`, secret: undefined },
          ],
        ]),
      },
    });
  });
  afterAll(async () => {
    world.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('one message per target for a scan with two drifts; the webhook is signed and verifiable', async () => {
    await world.openRdp('web');
    await world.openRdp('api');
    await world.scan();
    const hook = received.filter((request) => request.path === '/hook');
    const slack = received.filter((request) => request.path.startsWith('/slack/'));
    expect(hook).toHaveLength(1);
    expect(slack).toHaveLength(1);

    const [message] = hook;
    expect(
      verifySignature(
        SECRET,
        String(message!.headers['x-driftgate-timestamp']),
        message!.body,
        String(message!.headers['x-driftgate-signature']),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    // A body changed in transit no longer verifies.
    expect(
      verifySignature(
        SECRET,
        String(message!.headers['x-driftgate-timestamp']),
        message!.body.replace('tier', 'tear'),
        String(message!.headers['x-driftgate-signature']),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
    const payload = JSON.parse(message!.body) as {
      events: {
        event: string;
        address: string;
        tier: number;
        direction: string;
        security: string;
        pull_request_url: string;
      }[];
    };
    expect(payload.events.map((event) => event.address).sort()).toEqual([
      'aws_security_group.api',
      'aws_security_group.web',
    ]);
    for (const event of payload.events) {
      expect(event).toMatchObject({ event: 'drift', tier: 2, direction: 'revert' });
      expect(event.security).toContain('widening');
      expect(event.pull_request_url).toMatch(/\/pull\/\d+$/);
    }
    const text = (JSON.parse(slack[0]!.body) as { text: string }).text;
    expect(text).toContain('`aws_security_group.web`');
    expect(text).toContain('`aws_security_group.api`');
    expect(slack[0]!.headers['x-driftgate-signature']).toBeUndefined();

    // The target URLs are secrets: in no PR and not on the dashboard.
    for (const pr of world.github.pullRequests) expect(pr.body).not.toContain('127.0.0.1');
    for (const issue of world.github.issues) expect(issue.body).not.toContain('secret-path');
  });

  it('a scan that finds nothing new sends nothing', async () => {
    const before = received.length;
    await world.scan();
    expect(received.length).toBe(before);
  });

  it('a failing guard notifies once per PR head: not again on Re-run, again after a push', async () => {
    // Someone closes SSH on web by hand (narrowing): reverting it would re-open it.
    await world.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: world.groupIds.get('web'),
        IpPermissions: [SSH],
      }),
    );
    await world.scan();
    const guardMessages = () =>
      received
        .filter((request) => request.path === '/hook')
        .map((request) => JSON.parse(request.body) as { events: Record<string, unknown>[] })
        .filter((message) => message.events.some((event) => event.event === 'guard'));
    const slackBefore = received.filter((request) => request.path.startsWith('/slack/')).length;

    const pr = await world.openPullRequest('feature/outputs', {
      'envs/net/outputs.tf': 'output "vpc" {\n  value = "x"\n}\n',
    });
    expect(world.guardRuns(pr)[0]).toMatchObject({ conclusion: 'failure' });
    const [message] = guardMessages();
    expect(guardMessages()).toHaveLength(1);
    expect(message!.events).toEqual([
      {
        event: 'guard',
        pullRequest: pr.number,
        summary:
          'would revert 1 drift(s) that must be codified first: aws_security_group.web (net)',
        pull_request_url: expect.stringMatching(new RegExp(`/pull/${pr.number}$`)),
      },
    ]);

    // Re-run with the same result: nothing new to say.
    await world.rerunGuard(pr);
    expect(world.guardRuns(pr)[0]).toMatchObject({ conclusion: 'failure' });
    expect(guardMessages()).toHaveLength(1);

    // A new head fails again: one more message. The Slack target did not ask for guard events.
    await world.pushToPullRequest(pr, {
      'envs/net/outputs.tf': 'output "vpc" {\n  value = "y"\n}\n',
    });
    expect(world.guardRuns(pr)[0]).toMatchObject({ conclusion: 'failure' });
    expect(guardMessages()).toHaveLength(2);
    expect(received.filter((request) => request.path.startsWith('/slack/')).length).toBe(
      slackBefore,
    );
  });
});
