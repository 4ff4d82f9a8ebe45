/**
 * Bounded autonomy, end to end on moto and the GitHub fake (docs/guardrails.md): a rollback
 * opens the stack's circuit breaker and only a writer's `/driftgate resume` closes it; an
 * execution over the hourly cap waits and runs later; a drift that keeps coming back after
 * its executed reverts is flapping.
 */
import { gzipSync } from 'node:zlib';
import { DeleteSecurityGroupCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftRepository, labelsOf } from '../support/drift-repository.js';
import { describeWithMoto, motoS3, useMotoEndpointForApp } from '../support/moto.js';
import { examplePayload } from '../support/probot.js';
import type { FakeGitHub } from '../support/fake-github.js';

useMotoEndpointForApp();

const dashboard = (github: FakeGitHub) =>
  github.issues.find((issue) => issue.title === 'driftgate: drift dashboard');

/** `login` comments `body` on issue `number` (the dashboard), or on a pull request. */
function commentOn(
  world: DriftRepository,
  number: number,
  body: string,
  login: string,
  pullRequest = false,
) {
  const example = examplePayload('issue_comment', (candidate) => candidate.action === 'created');
  const { pull_request: _pullRequest, ...issue } = example.issue as Record<string, unknown>;
  return world.deliver('issue_comment', {
    ...example,
    issue: {
      ...issue,
      number,
      ...(pullRequest
        ? { pull_request: { url: `https://api.github.com/repos/x/y/pulls/${number}` } }
        : {}),
    },
    comment: {
      ...(example.comment as object),
      id: 5000 + Math.floor(Math.random() * 1e6),
      body,
      user: world.user(login),
    },
    sender: world.user(login),
  });
}

const applyRun = (world: DriftRepository, sha: string | null | undefined) =>
  world.github.checkRuns
    .filter((run) => run.name === 'driftgate/apply' && run.head_sha === sha)
    .at(-1);

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithMoto('a rollback opens the circuit breaker', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod', bastion: true });
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'write');
    world.github.permissions.set('reader', 'read');
  });
  afterAll(() => world.close());

  it("opens on a rollback; a reader's resume does nothing, a writer's closes it and is recorded", async () => {
    // As in app-execute: a mixed drift switched to revert, whose restore step cannot succeed.
    await world.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: world.groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            UserIdGroupPairs: [{ GroupId: world.bastionId }],
          },
        ],
      }),
    );
    await world.openRdp();
    await world.scan();
    const [pr] = world.driftPullRequests();
    await world.comment(pr!.number, '/driftgate revert', 'maintainer');
    await world.ec2.send(new DeleteSecurityGroupCommand({ GroupId: world.bastionId }));
    await world.mergeAsHuman(pr!, 'maintainer', ['reviewer']);

    expect(pr!.comments.at(-1)).toContain('**rolled-back**');
    expect(pr!.comments.at(-1)).toContain('The circuit breaker of stack `net` is now open');
    const file = () =>
      parse(
        world.github.filesAt(world.github.defaultBranch).get('.driftgate/breaker/net.yml')!,
      ) as {
        state: string;
        history: { state: string; cause: string; by?: string; pull_request?: number }[];
      };
    expect(file().state).toBe('open');
    expect(file().history.at(-1)).toMatchObject({ state: 'open', pull_request: pr!.number });
    expect(file().history.at(-1)!.cause).toContain('was rolled back');
    const issue = dashboard(world.github)!;
    expect(issue.body).toContain('**Circuit breaker open** in `net`');
    expect(
      await world.app.jobs.metrics.registry.getSingleMetricAsString('driftgate_breaker_open'),
    ).toMatch(/driftgate_breaker_open\{repository="[^"]+",stack="net"\} 1/);

    // A reader asks to resume on the dashboard: refused, said so, nothing written.
    const head = world.github.branches.get(world.github.defaultBranch);
    await commentOn(world, issue.number, '/driftgate resume', 'reader');
    expect(issue.comments.at(-1)).toContain('@reader: `/driftgate resume` needs write access');
    expect(world.github.branches.get(world.github.defaultBranch)).toBe(head);
    expect(file().state).toBe('open');

    // A writer resumes on the rolled-back PR itself.
    await commentOn(world, pr!.number, '/driftgate resume', 'maintainer', true);
    expect(pr!.comments.at(-1)).toContain(
      'Closed the circuit breaker of `net`, as @maintainer asked',
    );
    expect(file().state).toBe('closed');
    expect(file().history.at(-1)).toMatchObject({ state: 'closed', by: 'maintainer' });
    const commit = world.github.commits.get(
      world.github.branches.get(world.github.defaultBranch)!,
    )!;
    expect(commit.message).toContain('Drift-Breaker-Reset-By: maintainer');
    expect(dashboard(world.github)!.body).toContain('Circuit breaker of `net` closed at');
    expect(dashboard(world.github)!.body).toContain('by @\u2060maintainer'); // escaped: no mention
    expect(
      await world.app.jobs.metrics.registry.getSingleMetricAsString('driftgate_breaker_open'),
    ).toMatch(/stack="net"\} 0/);
  });
});

describeWithMoto('a breaker file written by hand', () => {
  let world: DriftRepository;
  let clock = 0;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    world.now = () => new Date(Date.now() + clock);
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'write');
  });
  afterAll(() => world.close());

  it('keeps the execution waiting and shows its cause as text, not as Markdown', async () => {
    await world.openRdp();
    await world.scan();
    const [pr] = world.driftPullRequests();
    // Anyone who can push to the default branch can write this file; its cause is their text.
    const cause = '@acme/everyone [click](https://evil.example) <img src=x> `x';
    world.github.commit(
      undefined,
      {
        ...Object.fromEntries(world.github.filesAt(world.github.defaultBranch)),
        '.driftgate/breaker/net.yml': `driftgate: 1\nstack: net\nstate: open\nhistory:\n  - state: open\n    at: "2024-01-01T00:00:00Z"\n    cause: ${JSON.stringify(cause)}\n`,
      },
      world.github.defaultBranch,
    );
    const merged = world.mergeAsHuman(pr!, 'maintainer', ['reviewer']);
    // The check run and the comment are two writes: wait for both (the comment comes second).
    await until(
      () =>
        applyRun(world, pr!.merge_commit_sha)?.output.title === 'waiting: breaker' &&
        pr!.comments.some((text) => text.includes('waits for')),
      'the waiting check run and its comment',
    );
    const comment = pr!.comments.find((text) => text.includes('waits for'))!;
    expect(comment).toContain('the circuit breaker of `net` is open');
    expect(comment).toContain('comment `/driftgate resume` to close it');
    expect(comment).toContain('@\u2060acme/everyone \\[click\\]');
    expect(comment).not.toContain('@acme');
    expect(comment).toContain('\\<img src=x\\>');
    expect(comment).not.toMatch(/[^\\]<img/);
    expect(applyRun(world, pr!.merge_commit_sha)!.output.summary).not.toMatch(/[^\\]<img/);
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
    // Someone resets it; at the next look the execution runs.
    await commentOn(world, pr!.number, '/driftgate resume', 'maintainer', true);
    clock = 6 * 60_000;
    await merged;
    expect(applyRun(world, pr!.merge_commit_sha)!.conclusion).toBe('success');
  });
});

describeWithMoto('the hourly execution cap', () => {
  let world: DriftRepository;
  let clock = 0;
  beforeAll(async () => {
    world = await DriftRepository.create({
      environment: 'prod',
      groups: ['web', 'api'],
      configExtra: 'limits:\n  executions_per_hour:\n    stack: 1\n',
    });
    world.now = () => new Date(Date.now() + clock);
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'write');
    await world.openRdp('web');
    await world.openRdp('api');
    await world.scan();
  });
  afterAll(() => world.close());

  it('the second execution in the hour waits, visible on the PR and the dashboard, and runs later', async () => {
    const [first, second] = world.driftPullRequests();
    await world.mergeAsHuman(first!, 'maintainer', ['reviewer']);
    expect(applyRun(world, first!.merge_commit_sha)!.conclusion).toBe('success');

    // The second merge: its execution waits (the job stays queued); nothing is applied yet.
    const merged = world.mergeAsHuman(second!, 'maintainer', ['reviewer']);
    await until(
      () =>
        applyRun(world, second!.merge_commit_sha)?.output.title === 'waiting: hourly-cap' &&
        (second!.comments.at(-1)?.includes('waits for') ?? false),
      'the waiting check run and its comment',
    );
    const group = second!.head.ref.endsWith('web') ? 'web' : 'api';
    expect(await world.liveIngress(group)).toContain('tcp/3389 0.0.0.0/0');
    expect(applyRun(world, second!.merge_commit_sha)!.status).toBe('in_progress');
    expect(second!.comments.at(-1)).toContain(
      'waits for the hourly execution cap (`limits.executions_per_hour`: 1 per stack',
    );
    await until(
      () => dashboard(world.github)?.body.includes(`| \`net\` | #${second!.number} |`) ?? false,
      'the dashboard row',
    );

    // An hour later the slot is free: the same job runs, applies, and leaves the dashboard.
    clock = 61 * 60_000;
    await merged;
    expect(applyRun(world, second!.merge_commit_sha)!.conclusion).toBe('success');
    expect(await world.liveIngress(group)).not.toContain('tcp/3389 0.0.0.0/0');
    expect(dashboard(world.github)!.body).not.toContain('Executions waiting');
    // One "waiting" comment, not one per look.
    expect(second!.comments.filter((comment) => comment.includes('waits for')).length).toBe(1);
  });
});

describeWithMoto('a drift that keeps coming back after its executed reverts', () => {
  let world: DriftRepository;
  const ACCOUNT = '123456789012';
  beforeAll(async () => {
    world = await DriftRepository.create({
      environment: 'prod',
      attribution: `  source: s3\n  s3:\n    bucket: flap-trail\n    account_id: "${ACCOUNT}"\n  lookback_hours: 24\n`,
    });
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'write');
    // CloudTrail says who keeps opening RDP: an autoscaling controller's role.
    const s3 = motoS3();
    await s3.send(new CreateBucketCommand({ Bucket: 'flap-trail' }));
    const now = new Date();
    const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
    const record = {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/legacy-sg-controller/i-0abc`,
        accountId: ACCOUNT,
        sessionContext: {
          sessionIssuer: { type: 'Role', userName: 'legacy-sg-controller', accountId: ACCOUNT },
        },
      },
      eventTime: new Date(now.getTime() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      awsRegion: 'us-east-1',
      sourceIPAddress: '10.1.2.3',
      userAgent: 'aws-sdk-go/1.44.0',
      requestParameters: { groupId: world.groupId },
      readOnly: false,
      eventType: 'AwsApiCall',
    };
    await s3.send(
      new PutObjectCommand({
        Bucket: 'flap-trail',
        Key: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day}/${ACCOUNT}_CloudTrail_us-east-1_flap.json.gz`,
        Body: gzipSync(JSON.stringify({ Records: [record] })),
      }),
    );
  });
  afterAll(() => world.close());

  it('is reverted twice, then proposed as codify, labelled flapping, naming its actor, never auto-reverted', async () => {
    const reverts: number[] = [];
    for (const round of [1, 2]) {
      await world.openRdp();
      await world.scan();
      const [pr] = world.driftPullRequests();
      expect(pr, `round ${round} opens a PR`).toBeDefined();
      expect(labelsOf(pr)).toContain('driftgate:revert');
      await world.mergeAsHuman(pr!, 'maintainer', ['reviewer']);
      expect(applyRun(world, pr!.merge_commit_sha)!.output.title).toBe(
        'revert of aws_security_group.web: applied',
      );
      reverts.push(pr!.number);
    }
    expect(new Set(reverts).size).toBe(2);

    // Back a third time: the same drift (same fingerprint) after two executed reverts.
    await world.openRdp();
    await world.scan();
    const [flapping] = world.driftPullRequests();
    expect(reverts).not.toContain(flapping!.number);
    expect(labelsOf(flapping)).toEqual(
      expect.arrayContaining(['driftgate:codify', 'driftgate:flapping']),
    );
    expect(labelsOf(flapping)).not.toContain('driftgate:tier-1');
    expect(flapping!.auto_merge).toBeFalsy();
    expect(flapping!.body).toContain('### Flapping');
    expect(flapping!.body).toContain('came back with the same changes 2 time(s) within 24 h');
    expect(flapping!.body).toContain('legacy-sg-controller/i-0abc (assumed-role, sdk)');
    expect(dashboard(world.github)!.body).toContain('Flapping (no longer reverted automatically)');
    expect(dashboard(world.github)!.body).toContain(`#${flapping!.number}`);
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
  });
});
