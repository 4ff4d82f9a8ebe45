/**
 * Policy checks on codify, end to end: a security group in moto, its code in the fake
 * GitHub, driftgate receiving GitHub's example payloads; the codify patch judged by the
 * default OPA bundle (policies/dist/policy.wasm) in-process.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftRepository, SSH, labelsOf } from '../support/drift-repository.js';
import type { FakePullRequest } from '../support/fake-github.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { examplePayload } from '../support/probot.js';

useMotoEndpointForApp();

const SSH_FROM_ANYWHERE = {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'vendor support' }],
};

// Tier 1 by config for the stack, so the policy findings are what raises the codify PR.
const TIER_ONE = `tiers:\n  use_defaults: false\n  rules:\n    - match: { stack: net }\n      tier: 1\n`;

function policyRun(world: DriftRepository, pr: FakePullRequest) {
  const head = world.github.branches.get(pr.head.ref)!;
  return world.github.checkRuns.filter(
    (run) => run.name === 'driftgate/policy' && run.head_sha === head,
  );
}

function review(world: DriftRepository, pr: FakePullRequest, login: string, commitId?: string) {
  const example = examplePayload(
    'pull_request_review',
    (candidate) => candidate.action === 'submitted',
  );
  const head = world.github.branches.get(pr.head.ref)!;
  return world.deliver('pull_request_review', {
    ...example,
    action: 'submitted',
    review: {
      ...(example.review as object),
      id: Math.floor(Math.random() * 1e9) + 1,
      state: 'approved',
      user: world.user(login),
      commit_id: commitId ?? head,
    },
    pull_request: world.pullRequestPayload(pr, 'submitted').pull_request,
    sender: world.user(login),
  });
}

describeWithMoto('policy checks on codify patches (driftgate/policy)', () => {
  let world: DriftRepository;

  beforeAll(async () => {
    world = await DriftRepository.create({ configExtra: TIER_ONE });
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reader', 'read');
  });
  afterAll(() => world.close());

  it('a revert PR writes no code: its policy check passes', async () => {
    await world.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: world.groupId,
        IpPermissions: [SSH_FROM_ANYWHERE],
      }),
    );
    await world.scan();
    const [pr] = world.driftPullRequests();
    expect(labelsOf(pr)).toEqual(['driftgate:tier-1', 'driftgate:revert']);
    const [run] = policyRun(world, pr!);
    expect(run).toMatchObject({
      conclusion: 'success',
      output: { title: 'No code written by this PR' },
    });
  });

  it('codifying SSH open to 0.0.0.0/0 carries the engine finding, tier 2 and a failing check', async () => {
    const [pr] = world.driftPullRequests();
    await world.comment(pr!.number, '/driftgate codify', 'maintainer');
    expect(labelsOf(pr)).toEqual(['driftgate:tier-2', 'driftgate:codify']);
    const head = world.github.branches.get(pr!.head.ref)!;
    const tf = world.github.commits.get(head)!.files.get(`${world.dir}/web.tf`)!;
    // The codified ingress block comes before the egress block (which allows all
    // protocols outbound to 0.0.0.0/0, and is no finding): the first such line is its.
    const line = tf.split('\n').indexOf('    cidr_blocks = ["0.0.0.0/0"]') + 1;
    expect(tf.split('\n').slice(line - 7, line - 1)).toContain('  ingress {');
    const where = `${world.dir}/web.tf:${line}`;
    expect(pr!.body).toContain('### Policy findings');
    expect(pr!.body).toContain(
      `\`DG-NET-001\` on \`aws_security_group.web\` at \`${where}\`: SSH (tcp/22) is open to 0.0.0.0/0`,
    );
    expect(pr!.body).toContain('Set by: the policy findings above (policy says tier 1');
    const [run] = policyRun(world, pr!);
    expect(run).toMatchObject({
      conclusion: 'failure',
      output: { title: '1 policy finding in the codify patch' },
    });
    expect(run!.output.summary).toContain(
      `\`DG-NET-001\` on \`aws_security_group.web\` at \`${where}\``,
    );
    expect(run!.output.summary).toContain(tf.split('\n')[line - 1]!.trim());
  });

  it("a reader's approval does not accept the findings", async () => {
    const [pr] = world.driftPullRequests();
    await review(world, pr!, 'reader');
    expect(policyRun(world, pr!)[0]!.conclusion).toBe('failure');
  });

  it('an approval of an older commit does not accept what the head writes', async () => {
    const [pr] = world.driftPullRequests();
    await review(world, pr!, 'maintainer', 'a'.repeat(40));
    expect(policyRun(world, pr!)[0]!.conclusion).toBe('failure');
  });

  it('a driftgate/policy run made by another app or a workflow is not driftgate’s verdict', async () => {
    const [pr] = world.driftPullRequests();
    const head = world.github.branches.get(pr!.head.ref)!;
    const foreign = {
      id: 990_001,
      name: 'driftgate/policy',
      head_sha: head,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'No policy findings', summary: 'No policy findings' },
      app: { id: 4242 },
    };
    world.github.checkRuns.push(foreign);
    try {
      // The tier floor still comes from driftgate's own failing run.
      await world.label(pr!, 'unlabeled', 'driftgate:tier-2', 'maintainer');
      await world.label(pr!, 'labeled', 'driftgate:tier-1', 'maintainer');
      expect(labelsOf(pr)).toContain('driftgate:tier-2');
      expect(labelsOf(pr)).not.toContain('driftgate:tier-1');
      // A rescan keeps driftgate's run failing and never writes to the other app's run.
      await world.scan();
      expect(policyRun(world, pr!).find((run) => run.id !== foreign.id)!.conclusion).toBe(
        'failure',
      );
      expect(foreign).toMatchObject({
        conclusion: 'success',
        output: { title: 'No policy findings' },
      });
    } finally {
      world.github.checkRuns.splice(world.github.checkRuns.indexOf(foreign), 1);
    }
  });

  it("a writer's approval turns the check green, and a rescan keeps it accepted", async () => {
    const [pr] = world.driftPullRequests();
    await review(world, pr!, 'maintainer');
    const [run] = policyRun(world, pr!);
    expect(run).toMatchObject({
      conclusion: 'success',
      output: { title: 'Policy findings accepted by @maintainer' },
    });
    expect(run!.output.summary).toContain('`DG-NET-001`');
    await world.scan();
    expect(policyRun(world, pr!)[0]!.conclusion).toBe('success');
  });

  it('a person cannot lower a PR with findings below tier 2', async () => {
    const [pr] = world.driftPullRequests();
    await world.label(pr!, 'unlabeled', 'driftgate:tier-2', 'maintainer');
    await world.label(pr!, 'labeled', 'driftgate:tier-1', 'maintainer');
    expect(labelsOf(pr)).toContain('driftgate:tier-2');
    expect(labelsOf(pr)).not.toContain('driftgate:tier-1');
  });
});

describeWithMoto('a clean codify patch', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ stack: 'clean', dir: 'envs/clean' });
  });
  afterAll(() => world.close());

  it('SSH removed by hand is codified with a passing policy check', async () => {
    await world.ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: world.groupId, IpPermissions: [SSH] }),
    );
    await world.scan();
    const [pr] = world.driftPullRequests();
    expect(labelsOf(pr)).toContain('driftgate:codify');
    expect(pr!.body).not.toContain('### Policy findings');
    const [run] = policyRun(world, pr!);
    expect(run).toMatchObject({ conclusion: 'success', output: { title: 'No policy findings' } });
    expect(run!.output.summary).toContain('`aws_security_group.web`');
  });
});
