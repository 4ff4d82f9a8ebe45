/**
 * Execution on merge, end to end: a merged remediation PR (the approval) makes driftgate
 * pre-check, apply, verify and, on failure, roll back — against moto — and report on the
 * PR, in a `driftgate/apply` check run and in the ledger on the default branch.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DriftRepository, labelsOf } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';

useMotoEndpointForApp();

function ledgerOnMain(world: DriftRepository, suffix = '') {
  const files = world.github.filesAt(world.github.defaultBranch);
  const path = [...files.keys()].find(
    (candidate) => candidate.startsWith('.driftgate/ledger/') && candidate.endsWith(`${suffix}.md`),
  )!;
  return {
    path,
    front: parse(/^---\n([\s\S]*?)\n---\n/.exec(files.get(path)!)![1]!) as Record<string, unknown>,
  };
}

describeWithMoto('merging a tier-2 revert PR', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'maintain');
    world.github.permissions.set('outsider', 'read');
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('revokes the rule, verifies live equals the code, and reports it three ways', async () => {
    const [pr] = world.driftPullRequests();
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
    world.github.writes.length = 0;
    await world.mergeAsHuman(pr!, 'maintainer', ['reviewer', 'outsider']);
    // GitHub writes for one executed merge: the check run ("executing" before the first
    // operation, so a retry knows; then the result), the ledger commit (3), the comment.
    expect(world.github.writes).toEqual([
      expect.stringMatching(/^POST .*\/check-runs$/),
      expect.stringMatching(/^PATCH .*\/check-runs\/\d+$/),
      expect.stringMatching(/^POST .*\/git\/trees$/),
      expect.stringMatching(/^POST .*\/git\/commits$/),
      expect.stringMatching(/^PATCH .*\/git\/refs\/heads%2F/),
      expect.stringMatching(/^POST .*\/issues\/\d+\/comments$/),
    ]);
    expect(await world.liveIngress()).toEqual(['tcp/22 10.0.0.0/8']);

    const run = world.github.checkRuns.find((candidate) => candidate.name === 'driftgate/apply')!;
    expect(run.head_sha).toBe(world.github.pullRequests[0]!.merge_commit_sha);
    expect(run.conclusion).toBe('success');
    expect(run.output.title).toBe('revert of aws_security_group.web: applied');
    expect(run.output.summary).toContain('verified: live now shows no drift');

    const comment = pr!.comments.at(-1)!;
    expect(comment).toContain('Revert executed on merge by @maintainer, approved by @reviewer:');
    expect(comment).toMatch(
      /\| 1 \| apply \| revoke ingress tcp\/3389 0\.0\.0\.0\/0 on sg-\w+ \(`RevokeSecurityGroupIngress`\) \| ok \| \d+ \|/,
    );

    const { front } = ledgerOnMain(world);
    expect(front.outcome).toMatchObject({
      status: 'applied',
      pull_request: pr!.number,
      merged_by: 'maintainer',
      approved_by: ['reviewer'],
      operations: [{ api: 'RevokeSecurityGroupIngress', result: 'ok' }],
    });
    const head = world.github.commits.get(world.github.branches.get(world.github.defaultBranch)!)!;
    expect(head.message).toMatch(/\nDrift-Outcome: applied\nDrift-Merged-By: maintainer\n$/);
  });

  it('the same merge delivered again (or its job retried) applies nothing twice', async () => {
    const [pr] = world.github.pullRequests;
    world.github.writes.length = 0;
    await world.deliver('pull_request', world.pullRequestPayload(pr!, 'closed'));
    expect(world.github.writes).toEqual([]);
    expect(await world.liveIngress()).toEqual(['tcp/22 10.0.0.0/8']);
  });

  it('a later scan finds nothing: live and code agree', async () => {
    world.github.writes.length = 0;
    await world.scan();
    expect(world.driftPullRequests()).toEqual([]);
  });

  it('/driftgate undo opens a PR that, merged, restores the manual change', async () => {
    const merged = world.github.pullRequests[0]!;
    await world.comment(merged.number, '/driftgate undo', 'maintainer');
    const undo = world
      .open()
      .find((candidate) => candidate.head.ref.startsWith('driftgate-undo/'))!;
    expect(undo.title).toBe(`driftgate: Undo #${merged.number} (revert of aws_security_group.web)`);
    expect(labelsOf(undo)).toEqual(['driftgate:tier-2', 'driftgate:undo']);
    expect(undo.body).toMatch(
      /- authorize ingress tcp\/3389 0\.0\.0\.0\/0 on sg-[0-9a-f]+ \(`AuthorizeSecurityGroupIngress`\)/,
    );
    // Do it by hand: the exact parameters, quoted, in the stack's region.
    expect(undo.body).toMatch(
      /aws ec2 authorize-security-group-ingress --cli-input-json '\{"GroupId":"sg-[0-9a-f]+".*\}' --region '[a-z]+-[a-z]+-\d'/,
    );
    expect(merged.comments.at(-1)).toContain(`Opened #${undo.number} to undo this remediation.`);

    await world.mergeAsHuman(undo, 'maintainer', ['reviewer']);
    expect(await world.liveIngress()).toEqual(['tcp/22 10.0.0.0/8', 'tcp/3389 0.0.0.0/0']);
    expect(undo.comments.at(-1)).toContain('Undo executed on merge by @maintainer');
    expect(ledgerOnMain(world, `-undo-${merged.number}`).front).toMatchObject({
      undo_of: merged.number,
      outcome: { status: 'applied', merged_by: 'maintainer' },
    });
  });
});

describeWithMoto('merges that must not execute', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    world.github.permissions.set('maintainer', 'write');
  });
  afterAll(() => world.close());

  it('live changed again after the PR opened: nothing applied, said so, and re-scanned', async () => {
    await world.openRdp();
    await world.scan();
    const [pr] = world.driftPullRequests();
    // Someone also opens HTTP by hand after the PR was opened.
    await world.ec2.send(
      new (await import('@aws-sdk/client-ec2')).AuthorizeSecurityGroupIngressCommand({
        GroupId: world.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    await world.mergeAsHuman(pr!, 'maintainer', ['maintainer']);
    expect(await world.liveIngress()).toEqual([
      'tcp/22 10.0.0.0/8',
      'tcp/3389 0.0.0.0/0',
      'tcp/80 0.0.0.0/0',
    ]);
    expect(pr!.comments.at(-1)).toContain('live changed since the PR was opened');
    expect(pr!.comments.at(-1)).toContain('nothing applied');
    const run = world.github.checkRuns.find((candidate) => candidate.name === 'driftgate/apply')!;
    expect(run.conclusion).toBe('neutral');
    // The rescan opened a PR describing the live state as it is now.
    const [fresh] = world.driftPullRequests();
    expect(fresh!.number).not.toBe(pr!.number);
    expect(fresh!.body).toContain('| `+ ingress` | `(absent)` | `{tcp/80 from 0.0.0.0/0}` |');
  });

  it('tier 2 merged without an approving review from someone with write access: not executed', async () => {
    const [pr] = world.driftPullRequests();
    world.github.permissions.set('drive-by', 'read');
    await world.mergeAsHuman(pr!, 'maintainer', ['drive-by']);
    expect(await world.liveIngress()).toContain('tcp/80 0.0.0.0/0');
    expect(pr!.comments.at(-1)).toContain(
      'driftgate did not execute this merge: tier 2 needs an approving review from someone with write access',
    );
    expect(ledgerOnMain(world).front.outcome).toBeDefined();
  });
});

describeWithMoto('a fork cannot make driftgate act', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    world.github.permissions.set('maintainer', 'admin');
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('a merged PR from a fork, with a driftgate branch name and a copied body, executes nothing', async () => {
    const [real] = world.driftPullRequests();
    // The fork's PR copies driftgate's branch name, body and commit.
    const forkBranch = real!.head.ref.replace('driftgate/', 'driftgate/fork-');
    world.github.branches.set(forkBranch, world.github.branches.get(real!.head.ref)!);
    world.github.pullRequests.push({
      ...real!,
      number: 900,
      node_id: 'PR_fork',
      head: { ref: forkBranch, sha: '' },
      headRepo: 'mallory/octo-repo',
      labels: [{ name: 'driftgate:tier-1' }],
      comments: [],
    });
    const fork = world.github.pullRequests.at(-1)!;
    world.github.writes.length = 0;
    world.github.merge(900, 'maintainer');
    await world.deliver(
      'pull_request',
      world.pullRequestPayload(fork, 'closed', { sender: world.user('mallory') }),
    );
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
    expect(world.github.checkRuns.filter((run) => run.name === 'driftgate/apply')).toEqual([]);
    expect(world.github.writes).toEqual([]);
  });
});

describeWithMoto('tier 3 is advisory', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({
      environment: 'prod',
      configExtra:
        'tiers:\n  rules:\n    - match: { type: aws_security_group }\n      tier: 3\n      reason: the edge is changed by hand only\n',
    });
    world.github.permissions.set('maintainer', 'admin');
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('opens a draft labelled advisory; merging it executes nothing and records the decision', async () => {
    const [pr] = world.driftPullRequests();
    expect(pr!.draft).toBe(true);
    expect(labelsOf(pr)).toEqual(['driftgate:tier-3', 'driftgate:revert', 'driftgate:advisory']);
    await world.mergeAsHuman(pr!, 'maintainer', ['maintainer']);
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
    const run = world.github.checkRuns.find((candidate) => candidate.name === 'driftgate/apply')!;
    expect(run.output.title).toBe('not executed: advisory-tier-3');
    expect(ledgerOnMain(world).front.outcome).toMatchObject({
      status: 'not-executed: advisory-tier-3',
      merged_by: 'maintainer',
    });
  });
});

describeWithMoto('an operation fails midway', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod', bastion: true });
    world.github.permissions.set('maintainer', 'write');
    world.github.permissions.set('reviewer', 'write');
  });
  afterAll(() => world.close());

  it('rolls back what was applied: live equals the pre-image again, and the failure is reported', async () => {
    // By hand: the bastion's SSH rule goes, RDP opens. Mixed, so driftgate proposes codify;
    // a maintainer asks for revert instead.
    await world.ec2.send(
      new (await import('@aws-sdk/client-ec2')).RevokeSecurityGroupIngressCommand({
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
    expect(labelsOf(pr)).toContain('driftgate:codify');
    await world.comment(pr!.number, '/driftgate revert', 'maintainer');
    expect(labelsOf(pr)).toContain('driftgate:revert');
    const preImage = await world.liveIngress();

    // Then the bastion group is decommissioned, so restoring its rule cannot succeed.
    await world.ec2.send(
      new (await import('@aws-sdk/client-ec2')).DeleteSecurityGroupCommand({
        GroupId: world.bastionId,
      }),
    );
    await world.mergeAsHuman(pr!, 'maintainer', ['reviewer']);

    expect(await world.liveIngress()).toEqual(preImage);
    const comment = pr!.comments.at(-1)!;
    expect(comment).toContain('**rolled-back**');
    expect(comment).toMatch(/\| 1 \| apply \| revoke ingress tcp\/3389 0\.0\.0\.0\/0 .*\| ok \|/);
    expect(comment).toMatch(
      /\| 2 \| apply \| restore ingress tcp\/22 .*\| failed: .*does not exist/,
    );
    // The rollback step says what it sends: it authorizes the rule the revert revoked.
    expect(comment).toMatch(
      /\| 3 \| rollback \| authorize ingress tcp\/3389 0\.0\.0\.0\/0 on sg-[0-9a-f]+ \(`AuthorizeSecurityGroupIngress`\) \| ok \|/,
    );
    expect(comment).toContain('rolled back: live shows drift');
    const run = world.github.checkRuns.find((candidate) => candidate.name === 'driftgate/apply')!;
    expect(run.conclusion).toBe('failure');
    expect(ledgerOnMain(world).front.outcome).toMatchObject({
      status: 'rolled-back',
      operations: [
        { api: 'RevokeSecurityGroupIngress', result: 'ok' },
        { api: 'AuthorizeSecurityGroupIngress', result: 'failed' },
      ],
      rollback: [{ api: 'AuthorizeSecurityGroupIngress', result: 'ok' }],
    });
  });
});
