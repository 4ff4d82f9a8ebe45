/**
 * The hotfix guard on a plan-fed stack, end to end on moto and the stateful fake GitHub:
 * the repository has a live stack (moto) and a plan-fed one. An ordinary PR that changes
 * both waits for its plan; the `driftgate-scan` dispatch with `pull_request` and the PR's
 * plan artifact makes the guard list exactly the drifts that plan would change; "Re-run"
 * on the check, and a drift PR labelled as a hotfix, evaluate the guard again with the
 * same plan (the PR's head has not moved), and a push waits for a new plan.
 */
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { corpusText } from '../support/corpus.js';
import { DriftRepository } from '../support/drift-repository.js';
import type { FakePullRequest } from '../support/fake-github.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { examplePayload } from '../support/probot.js';

useMotoEndpointForApp();

const LEGACY_TF = `resource "test_instance" "should_refresh" {
  ami = "refresh-me"
}

resource "test_instance" "pinned" {
  ami = "old"
}
`;

interface PlanEntry {
  address: string;
  name: string;
  change: { actions: string[]; before: unknown; after: unknown };
}

/**
 * HashiCorp's drift fixture with a second drifted resource, `pinned` (ami "old" → "hand-set"
 * by hand). `pinnedAction` is what the plan does to it: "update" reverts the hand-set value,
 * "no-op" when the code already says "hand-set".
 */
function legacyPlan(pinnedAction: 'update' | 'no-op'): string {
  const plan = JSON.parse(corpusText('terraform-show-json/drift/output.json')) as {
    resource_drift: PlanEntry[];
    resource_changes: PlanEntry[];
  };
  const [refreshDrift] = plan.resource_drift;
  const pinned = (change: PlanEntry['change']): PlanEntry => ({
    ...refreshDrift!,
    address: 'test_instance.pinned',
    name: 'pinned',
    change: { ...refreshDrift!.change, ...change },
  });
  plan.resource_drift.push(
    pinned({
      actions: ['update'],
      before: { ami: 'old', id: 'pinned' },
      after: { ami: 'hand-set', id: 'pinned' },
    }),
  );
  plan.resource_changes = plan.resource_changes
    .filter((change) => change.address !== 'test_instance.no_refresh')
    .concat(
      pinned({
        actions: [pinnedAction],
        before: { ami: 'hand-set', id: 'pinned' },
        after: { ami: pinnedAction === 'update' ? 'old' : 'hand-set', id: 'pinned' },
      }),
    );
  return JSON.stringify(plan);
}

describeWithMoto('the hotfix guard on a plan-fed stack', () => {
  let world: DriftRepository;
  beforeEach(async () => {
    world = await DriftRepository.create();
    const { github } = world;
    github.commit(
      undefined,
      {
        ...Object.fromEntries(github.filesAt(github.defaultBranch)),
        '.github/driftgate.yml': world
          .config()
          .replace(
            'attribution:',
            '  - name: legacy\n    dir: envs/legacy\n    environment: staging\n    source: plan\nattribution:',
          ),
        'envs/legacy/main.tf': LEGACY_TF,
      },
      github.defaultBranch,
    );
    const artifact = (id: number, name: string, text: string) => ({
      id,
      name,
      zip: zipSync({ 'plan.json': strToU8(text) }),
    });
    // The scheduled plan of the default branch, and the plan of the PR (it codifies `pinned`).
    github.artifacts.set(4242, [artifact(1, 'plan-json', legacyPlan('update'))]);
    github.artifacts.set(5151, [artifact(2, 'plan-json', legacyPlan('no-op'))]);
  });
  afterEach(() => world.close());

  const dispatch = (clientPayload: Record<string, unknown>) =>
    world.deliver('repository_dispatch', {
      ...examplePayload('repository_dispatch'),
      action: 'driftgate-scan',
      client_payload: clientPayload,
    });

  /** Someone opens a PR writing the hand-set ami into the code, and touching the live stack. */
  const openPullRequest = () =>
    world.openPullRequest('feature/pin-ami', {
      'envs/legacy/main.tf': LEGACY_TF.replace('"old"', '"hand-set"'),
      'envs/net/outputs.tf': 'output "vpc" {\n  value = "x"\n}\n',
    });

  const guardOf = (pr: FakePullRequest) => {
    const runs = world.guardRuns(pr);
    expect(runs).toHaveLength(1);
    return runs[0]!;
  };

  it("lists exactly the drifts the PR's plan would change, and keeps that plan on Re-run and on a drift PR's change", async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'plan-json' });
    const driftPrs = world.github.pullRequests.filter((pr) =>
      pr.head.ref.startsWith('driftgate/legacy/'),
    );
    expect(driftPrs.map((pr) => pr.head.ref).sort()).toEqual([
      'driftgate/legacy/test_instance.pinned',
      'driftgate/legacy/test_instance.should_refresh',
    ]);
    const refreshPr = driftPrs.find((pr) => pr.head.ref.endsWith('should_refresh'))!;

    const pr = await openPullRequest();
    expect(guardOf(pr)).toMatchObject({
      status: 'in_progress',
      output: { title: 'waiting for the plan of this pull request' },
    });

    await dispatch({
      stack: 'legacy',
      plan_run_id: 5151,
      plan_artifact: 'plan-json',
      pull_request: pr.number,
    });
    const guard = guardOf(pr);
    expect(guard).toMatchObject({
      status: 'completed',
      conclusion: 'neutral',
      output: { title: 'would revert 1 drift(s); none is a hotfix or narrows exposure' },
    });
    // The live stack has no drift; of the plan's two drifts only should_refresh changes.
    expect(guard.output.summary).toContain('`test_instance.should_refresh`');
    expect(guard.output.summary).toContain(`#${refreshPr.number}`);
    expect(guard.output.summary).not.toContain('test_instance.pinned');

    // "Re-run": evaluated again with the plan this head already has, not waiting for it.
    const writes = world.github.writes.length;
    await world.rerunGuard(pr);
    expect(guardOf(pr)).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(world.github.writes.slice(writes)).toEqual([]);

    // The drift PR is marked as a hotfix: every guard is evaluated again, with the same plan.
    await world.label(refreshPr, 'labeled', 'driftgate:hotfix', 'alice');
    expect(guardOf(pr)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'would revert 1 drift(s) that must be codified first' },
    });
    expect(guardOf(pr).output.summary).toContain('it is marked as a hotfix');

    // A push makes the plan stale: the new head waits for its own plan.
    await world.pushToPullRequest(pr, { 'envs/legacy/notes.tf': '\n' });
    expect(guardOf(pr)).toMatchObject({
      status: 'in_progress',
      output: { title: 'waiting for the plan of this pull request' },
    });
  });
  it('takes no plan from an external_id driftgate did not write', async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'plan-json' });
    const pr = await openPullRequest();
    expect(guardOf(pr).output.title).toBe('waiting for the plan of this pull request');
    // Another app or a workflow with `checks: write` names a plan of its choosing (one that
    // changes nothing driftgate would flag), in the format driftgate's record once had.
    for (const forged of [
      'guard-plans:[["legacy",5151,"plan-json"]]',
      '<!-- driftgate:guard-plans W1sibGVnYWN5Iiw1MTUxLCJwbGFuLWpzb24iXV0= forged -->',
      'x'.repeat(100_000),
    ]) {
      guardOf(pr).external_id = forged;
      await world.rerunGuard(pr);
      expect(guardOf(pr)).toMatchObject({
        status: 'in_progress',
        output: { title: 'waiting for the plan of this pull request' },
      });
    }
    // The PR's own plan, by dispatch, is used and remembered.
    await dispatch({
      stack: 'legacy',
      plan_run_id: 5151,
      plan_artifact: 'plan-json',
      pull_request: pr.number,
    });
    await world.rerunGuard(pr);
    expect(guardOf(pr)).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  });
});
