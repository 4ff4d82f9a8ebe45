/**
 * The hotfix guard end to end on moto and the stateful fake GitHub: an ordinary PR on a
 * stack with open drift gets a `driftgate/guard` check run that fails while applying it
 * would revert a narrowing or hotfix drift, offers to switch the drift's PR to codify, and
 * turns green once the drift is codified (its codify PR merged, or the PR itself).
 */
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import { DriftRepository, SSH, labelsOf } from '../support/drift-repository.js';
import type { FakePullRequest } from '../support/fake-github.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { TEST_RECORDS, examplePayload } from '../support/probot.js';

useMotoEndpointForApp();

/** A person presses a button on the guard of `guarded`. */
function pressButton(
  world: DriftRepository,
  guarded: FakePullRequest,
  identifier: string,
  login: string,
) {
  const example = examplePayload(
    'check_run',
    (candidate) => candidate.action === 'requested_action',
  );
  const [run] = world.guardRuns(guarded);
  return world.deliver('check_run', {
    ...example,
    check_run: {
      ...(example.check_run as object),
      id: run!.id,
      name: 'driftgate/guard',
      head_sha: run!.head_sha,
      pull_requests: [{ number: guarded.number }],
    },
    requested_action: { identifier },
    sender: world.user(login),
  });
}

/** Someone closes SSH by hand: the manual change narrowed exposure. */
async function closeSsh(world: DriftRepository): Promise<void> {
  await world.ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: world.groupId, IpPermissions: [SSH] }),
  );
}

describeWithMoto('the hotfix guard on ordinary pull requests', () => {
  let world: DriftRepository;
  beforeEach(async () => {
    world = await DriftRepository.create();
  });
  afterEach(() => world.close());

  it('fails while an open narrowing drift would be reverted, names its PR and what to do, and turns green once its codify PR is merged', async () => {
    await closeSsh(world);
    await world.scan();
    const [driftPr] = world.driftPullRequests();
    expect(labelsOf(driftPr)).toContain('driftgate:codify');

    const pr = await world.openPullRequest('feature/outputs', {
      'envs/net/outputs.tf': 'output "vpc" {\n  value = "x"\n}\n',
    });
    const [guard] = world.guardRuns(pr);
    expect(guard).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(guard!.output.title).toBe('would revert 1 drift(s) that must be codified first');
    expect(guard!.output.summary).toContain('`aws_security_group.web`');
    expect(guard!.output.summary).toContain(
      'the manual change narrowed security exposure: reverting re-opens it',
    );
    expect(guard!.output.summary).toContain(
      `merge #${driftPr!.number} first (it codifies the change), then update this branch`,
    );

    // The drift's codify PR is merged: GitHub sends pull_request.closed, the guard is re-run.
    await world.mergeAsHuman(driftPr!, 'alice', ['bob']);
    const runs = world.guardRuns(pr);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      conclusion: 'success',
      output: { title: 'reverts no open drift' },
    });
  });

  it('is green at once when the PR itself codifies the drift, and for a PR outside every stack', async () => {
    await closeSsh(world);
    await world.scan();
    const code = world.github.filesAt(world.github.defaultBranch).get('envs/net/web.tf')!;
    const withoutSsh = code.replace(/ {2}ingress \{[\s\S]*?\n {2}\}\n\n/, '');
    expect(withoutSsh).not.toContain('ingress');
    const codifying = await world.openPullRequest('feature/codify-ssh', {
      'envs/net/web.tf': withoutSsh,
    });
    expect(world.guardRuns(codifying)[0]).toMatchObject({ conclusion: 'success' });

    const docs = await world.openPullRequest('feature/docs', { 'README.md': '# readme\n' });
    expect(world.guardRuns(docs)[0]).toMatchObject({
      conclusion: 'success',
      output: { title: 'touches no stack driftgate watches' },
    });
  });

  it('a widening drift is neutral; marked as a hotfix it fails and offers "Codify #N", which only a writer can press', async () => {
    await world.openRdp();
    await world.scan();
    const [driftPr] = world.driftPullRequests();
    expect(labelsOf(driftPr)).toContain('driftgate:revert');
    const code = world.github.filesAt(world.github.defaultBranch).get('envs/net/web.tf')!;
    const pr = await world.openPullRequest('feature/comment', {
      'envs/net/web.tf': `${code}\n# a comment\n`,
    });
    // Tier 2 (prod security group), widening: reverting it closes the hole, no block.
    expect(world.guardRuns(pr)[0]).toMatchObject({ conclusion: 'neutral' });

    // A person labels the drift PR as a hotfix: every open PR's guard is evaluated again.
    await world.label(driftPr!, 'labeled', 'driftgate:hotfix', 'alice');
    const [guard] = world.guardRuns(pr);
    expect(guard).toMatchObject({ conclusion: 'failure' });
    expect(guard!.output.summary).toContain('it is marked as a hotfix');
    expect(guard!.output.summary).toContain(
      `codify first: comment \`/driftgate codify\` on #${driftPr!.number}`,
    );
    expect(guard!.actions).toEqual([
      {
        label: `Codify #${driftPr!.number}`,
        description: `Switch drift PR #${driftPr!.number} to codify`,
        identifier: `codify-${driftPr!.number}`,
      },
    ]);

    world.github.permissions.set('reader', 'read');
    world.github.permissions.set('alice', 'write');
    await pressButton(world, pr, `codify-${driftPr!.number}`, 'reader');
    expect(parsePullRequestMeta(TEST_RECORDS, driftPr!.body)?.direction).toBe('revert');
    expect(pr.comments.at(-1)).toContain('@reader: switching');
    expect(pr.comments.at(-1)).toContain('needs write access');

    await pressButton(world, pr, `codify-${driftPr!.number}`, 'alice');
    expect(parsePullRequestMeta(TEST_RECORDS, driftPr!.body)).toMatchObject({
      direction: 'codify',
      override: 'codify',
      override_by: 'alice',
    });
    expect(labelsOf(driftPr)).toContain('driftgate:codify');
    expect(driftPr!.comments.at(-1)).toContain(
      `as @alice asked from the \`driftgate/guard\` check on #${pr.number}`,
    );
  });
});
