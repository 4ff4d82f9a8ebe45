/**
 * Modes end to end on moto and the stateful fake GitHub: `report` finds drift and writes no
 * branch or PR; `propose` opens PRs but never merges (no auto-merge, no self-merge) or
 * executes them; the mode is said on every PR and on the dashboard.
 */
import { afterEach, expect, it } from 'vitest';
import { DriftRepository } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';

useMotoEndpointForApp();

const DEV_TIER_ONE = `tiers:\n  use_defaults: false\n  rules:\n    - match: { environment: dev }\n      tier: 1\n      reason: dev fixes itself\n`;

describeWithMoto('modes', () => {
  let world: DriftRepository;
  afterEach(() => world.close());

  it('report: the drift is on the dashboard with the mode, and no branch, commit or PR is written', async () => {
    world = await DriftRepository.create({ configExtra: 'mode: report\n' });
    await world.openRdp();
    world.github.writes.length = 0;
    await world.scan();
    expect(world.github.pullRequests).toEqual([]);
    expect(world.github.writes.filter((write) => /\/git\/|\/pulls|\/graphql/.test(write))).toEqual(
      [],
    );
    expect([...world.github.branches.keys()]).toEqual([world.github.defaultBranch]);
    const [dashboard] = world.github.issues;
    expect(dashboard!.body).toContain('Mode: **report**');
    expect(dashboard!.body).toContain('`aws_security_group.web`');

    // The guard still works: an ordinary PR hears that a drift without a PR would be reverted.
    const pr = await world.openPullRequest('feature/x', { 'envs/net/x.tf': '' });
    const [guard] = world.guardRuns(pr);
    expect(guard).toMatchObject({ conclusion: 'neutral' });
    expect(guard!.output.summary).toContain('no drift PR yet');
  });

  it('propose: the tier-1 PR says its mode, is never armed for auto-merge nor merged by driftgate, and its merge is not executed', async () => {
    world = await DriftRepository.create({
      environment: 'dev',
      configExtra: `mode: propose\n${DEV_TIER_ONE}`,
    });
    world.github.settings.allowAutoMerge = true;
    await world.openRdp();
    await world.scan();
    const [pr] = world.driftPullRequests();
    expect(pr!.body).toContain(
      'Mode **propose**: driftgate opens this PR but never merges or executes it',
    );
    expect(world.github.graphql).toEqual([]);
    expect(pr!.auto_merge).toBeNull();

    // Where GitHub cannot auto-merge, driftgate would merge green tier-1 PRs itself: not here.
    world.github.settings.allowAutoMerge = false;
    await world.scan();
    expect(pr!.state).toBe('open');

    await world.mergeAsHuman(pr!, 'alice');
    const apply = world.github.checkRuns.find((run) => run.name === 'driftgate/apply');
    expect(apply).toMatchObject({ conclusion: 'neutral', output: { title: 'not executed: mode' } });
    expect(await world.liveIngress()).toContain('tcp/3389 0.0.0.0/0');
  });
});
