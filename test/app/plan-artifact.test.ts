/**
 * A stack fed by Terraform plans (any provider): a workflow uploads `terraform show -json`
 * as an artifact and dispatches `driftgate-scan`; driftgate opens the PR from that plan.
 * The plan here is HashiCorp's own refresh-only drift fixture (provider hashicorp/test).
 */
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import { corpusText } from '../support/corpus.js';
import { FakeGitHub } from '../support/fake-github.js';
import {
  INSTALLATION,
  TEST_RECORDS,
  commentPayload,
  dispatchPayload,
  driftgateApp,
  examplePayload,
} from '../support/probot.js';

const MAIN_TF = `resource "test_instance" "no_refresh" {
  ami = "bar"
}

resource "test_instance" "should_refresh" {
  # pinned by the image pipeline
  ami = "refresh-me"
}
`;
const CONFIG = `stacks:
  - name: legacy
    dir: envs/legacy
    environment: staging
    source: plan
    apply_workflow: terraform-apply.yml
  - name: net
    dir: envs/net
attribution:
  source: off
`;

describe('drift from a plan artifact (repository_dispatch)', () => {
  let github: FakeGitHub;
  const repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
  const app = driftgateApp();
  const dispatch = (clientPayload: Record<string, unknown>) =>
    app.receive({
      id: String(Math.random()),
      name: 'repository_dispatch',
      payload: dispatchPayload(repository, clientPayload),
    } as never);
  const comment = (number: number, body: string, login: string) =>
    app.receive({
      id: String(Math.random()),
      name: 'issue_comment',
      payload: commentPayload(repository, number, body, login),
    } as never);

  beforeEach(() => {
    github = new FakeGitHub(
      (repository.owner as { login: string }).login,
      repository.name as string,
      repository.default_branch as string,
    );
    github.commit(
      undefined,
      { '.github/driftgate.yml': CONFIG, 'envs/legacy/main.tf': MAIN_TF },
      github.defaultBranch,
    );
    github.artifacts.set(4242, [
      {
        id: 9,
        name: 'driftgate-plan-legacy',
        zip: zipSync({
          'plan.json': strToU8(corpusText('terraform-show-json/drift/output.json')),
        }),
      },
      { id: 10, name: 'broken', zip: zipSync({ 'plan.json': strToU8('{"format_version": ') }) },
    ]);
    github.install();
  });
  afterEach(() => github.uninstall());

  it('opens a PR for the drifted resource, reverted by terraform apply, never by API', async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'driftgate-plan-legacy' });
    const open = github.pullRequests.filter((pr) => pr.state === 'open');
    expect(open.map((pr) => pr.head.ref)).toEqual([
      'driftgate/legacy/test_instance.should_refresh',
    ]);
    const [pr] = open;
    expect(pr!.body).toContain('| `ami` | `"refresh-me"` | `"refreshed"` |');
    expect(pr!.body).toContain(
      // Reasons are escaped like any other text: the backticks show literally.
      "found by a Terraform plan: reverted by \\`terraform apply -target\\` (the repository's apply workflow, when configured)",
    );
    expect(pr!.body).toContain("terraform apply -target='test_instance.should_refresh'");
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)).toMatchObject({
      stack: 'legacy',
      plan_run_id: 4242,
      plan_artifact: 'driftgate-plan-legacy',
      tier: 2,
    });
    const ledger = [...github.filesAt(pr!.head.ref)].find(([path]) =>
      path.startsWith('.driftgate/ledger/legacy/'),
    )!;
    expect(ledger[1]).toContain('planned_operations: []');
  });

  it('/driftgate codify rewrites the .tf from the same plan, keeping the comment', async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'driftgate-plan-legacy' });
    const [pr] = github.pullRequests;
    github.permissions.set('maintainer', 'write');
    await comment(pr!.number, '/driftgate codify', 'maintainer');
    expect(github.filesAt(pr!.head.ref).get('envs/legacy/main.tf')).toBe(
      MAIN_TF.replace('ami = "refresh-me"', 'ami = "refreshed"'),
    );
  });

  it('a malformed plan: a failing driftgate/scan check run, and no PR', async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'broken' });
    expect(github.pullRequests).toEqual([]);
    const [run] = github.checkRuns;
    expect(run!.name).toBe('driftgate/scan');
    expect(run!.conclusion).toBe('failure');
    expect(run!.output.summary).toContain('broken/plan.json: not valid JSON');
    expect(github.writes).toEqual([expect.stringMatching(/^POST .*\/check-runs$/)]);
  });

  it('a bad client_payload or a live stack named for a plan is refused the same way', async () => {
    await dispatch({ stack: 'legacy', plan_artifact: 'driftgate-plan-legacy' });
    expect(github.checkRuns.at(-1)!.output.summary).toContain(
      'client_payload.plan_artifact: plan_run_id and plan_artifact go together',
    );
    await dispatch({ stack: 'net', plan_run_id: 4242, plan_artifact: 'driftgate-plan-legacy' });
    expect(github.checkRuns.at(-1)!.output.summary).toContain('no stack "net" with `source: plan`');
    expect(github.pullRequests).toEqual([]);
  });

  it('a merged, approved revert dispatches the apply workflow; its run completes the check and the ledger', async () => {
    await dispatch({ stack: 'legacy', plan_run_id: 4242, plan_artifact: 'driftgate-plan-legacy' });
    const [pr] = github.pullRequests;
    github.permissions.set('reviewer', 'write');
    github.reviews.set(pr!.number, [
      { id: 1, user: { login: 'reviewer' }, state: 'APPROVED', commit_id: 'x' },
    ]);
    const mergeSha = github.merge(pr!.number, 'maintainer');
    const example = examplePayload('pull_request', (candidate) => candidate.action === 'opened');
    const fullName = repository.full_name as string;
    await app.receive({
      id: String(Math.random()),
      name: 'pull_request',
      payload: {
        ...example,
        action: 'closed',
        number: pr!.number,
        pull_request: {
          ...(example.pull_request as object),
          number: pr!.number,
          merged: true,
          merge_commit_sha: mergeSha,
          body: pr!.body,
          head: { ref: pr!.head.ref, sha: 'x', repo: { full_name: fullName } },
          base: { ref: github.defaultBranch, repo: { full_name: fullName } },
        },
        repository,
        installation: INSTALLATION,
      },
    } as never);
    expect(github.dispatches).toEqual([
      {
        workflow: 'terraform-apply.yml',
        ref: github.defaultBranch,
        inputs: {
          stack: 'legacy',
          targets: 'test_instance.should_refresh',
          pull_request: String(pr!.number),
        },
      },
    ]);
    const check = github.checkRuns.find((run) => run.name === 'driftgate/apply')!;
    expect([check.head_sha, check.status]).toEqual([mergeSha, 'in_progress']);

    const runExample = examplePayload(
      'workflow_run',
      (candidate) => candidate.action === 'completed',
    );
    const workflowRun = runExample.workflow_run as Record<string, unknown>;
    await app.receive({
      id: String(Math.random()),
      name: 'workflow_run',
      payload: {
        ...runExample,
        workflow_run: {
          ...workflowRun,
          display_title: `driftgate apply #${pr!.number}`,
          path: '.github/workflows/terraform-apply.yml',
          conclusion: 'success',
          head_branch: github.defaultBranch,
          head_repository: { ...(workflowRun.head_repository as object), full_name: fullName },
          html_url: 'https://github.com/acme/infra/actions/runs/99',
          run_number: 99,
        },
        repository,
        installation: INSTALLATION,
      },
    } as never);
    expect([check.status, check.conclusion]).toEqual(['completed', 'success']);
    expect(pr!.comments.at(-1)).toContain(
      "[terraform-apply.yml run #99](https://github.com/acme/infra/actions/runs/99) applied: `terraform apply -target='test_instance.should_refresh'`.",
    );
    const ledger = [...github.filesAt(github.defaultBranch)].find(([path]) =>
      path.startsWith('.driftgate/ledger/legacy/'),
    )![1];
    expect(ledger).toContain('status: applied');
    expect(ledger).toContain('api: workflow:terraform-apply.yml');
  });
});
