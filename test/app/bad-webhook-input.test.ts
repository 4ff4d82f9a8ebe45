/**
 * Bad input through the app, on real webhook payloads against the fake GitHub: a malformed
 * client_payload, a hostile plan artifact, a tampered ledger record. Each gets a check run
 * or a reply naming the problem; nothing else is written and no error escapes to Probot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../support/fake-github.js';
import {
  INSTALLATION,
  commentPayload,
  dispatchPayload,
  driftgateApp,
  examplePayload,
} from '../support/probot.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/prod-network');
const PLAN = readFileSync(join(EXAMPLE, 'refresh-only.plan.json'), 'utf8');
const SECRET = 'correct-horse-battery-staple';
const CONFIG = `stacks:
  - name: net
    dir: envs/net
    environment: prod
    source: plan
    apply_workflow: terraform-apply.yml
attribution:
  source: off
`;

/** The example plan with the RDS password's sensitivity mark replaced by `mark`. */
function planWithPasswordMark(mark: unknown): string {
  const plan = JSON.parse(PLAN) as {
    resource_drift: { address: string; change: Record<string, unknown> }[];
  };
  const entry = plan.resource_drift.find((drift) => drift.address === 'aws_db_instance.orders')!;
  entry.change.before_sensitive = { password: mark };
  return JSON.stringify(plan);
}

describe('bad input through the app', () => {
  let github: FakeGitHub;
  const repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
  const app = driftgateApp();
  const dispatch = (clientPayload: unknown) =>
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
  const artifact = (id: number, name: string, text: string) => ({
    id,
    name,
    zip: zipSync({ 'plan.json': strToU8(text) }),
  });

  beforeEach(() => {
    github = new FakeGitHub(
      (repository.owner as { login: string }).login,
      repository.name as string,
      repository.default_branch as string,
    );
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': CONFIG,
        'envs/net/main.tf': readFileSync(join(EXAMPLE, 'main.tf'), 'utf8'),
        'envs/net/variables.tf': readFileSync(join(EXAMPLE, 'variables.tf'), 'utf8'),
      },
      github.defaultBranch,
    );
    github.artifacts.set(4242, [
      artifact(1, 'good', PLAN),
      artifact(
        2,
        'deep',
        `{"format_version":"1.2","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      ),
      artifact(3, 'marked', planWithPasswordMark('true')),
    ]);
    github.install();
  });
  afterEach(() => github.uninstall());

  const onlyCheckRunWritten = () =>
    expect(github.writes).toEqual([expect.stringMatching(/^POST .*\/check-runs$/)]);

  for (const [what, payload, message] of [
    [
      'a plan_run_id that is not a number',
      { stack: 'net', plan_run_id: 'abc', plan_artifact: 'good' },
      'client_payload.plan_run_id: ',
    ],
    ['a stack that is not a string', { stack: ['net'] }, 'client_payload.stack: '],
    ['a client_payload that is a string', 'scan please', 'client_payload.(top level): '],
  ] as const) {
    it(`${what}: a failing driftgate/scan check run naming the field, nothing else written`, async () => {
      await dispatch(payload);
      const run = github.checkRuns.at(-1)!;
      expect(run.name).toBe('driftgate/scan');
      expect(run.conclusion).toBe('failure');
      expect(run.output.summary).toContain(message);
      onlyCheckRunWritten();
    });
  }

  it('a plan artifact nested 10,000 levels deep: the check run names the file, nothing else written', async () => {
    await dispatch({ stack: 'net', plan_run_id: 4242, plan_artifact: 'deep' });
    expect(github.checkRuns.at(-1)!.output.summary).toContain(
      'deep/plan.json: nested more than 256 levels deep',
    );
    onlyCheckRunWritten();
  });

  it('a plan whose sensitivity mark is "true": refused naming the file, the secret nowhere', async () => {
    await dispatch({ stack: 'net', plan_run_id: 4242, plan_artifact: 'marked' });
    expect(github.checkRuns.at(-1)!.output.summary).toContain(
      'marked/plan.json: invalid at resource_drift[0].change.before_sensitive',
    );
    onlyCheckRunWritten();
    expect(JSON.stringify(github.checkRuns)).not.toContain(SECRET);
  });

  it('/driftgate undo on a tampered ledger record: a reply naming the record, nothing written', async () => {
    await dispatch({ stack: 'net', plan_run_id: 4242, plan_artifact: 'good' });
    const pr = github.pullRequests.find((candidate) => candidate.head.ref.includes('aws_vpc'))!;
    github.merge(pr.number, 'maintainer');
    const files = Object.fromEntries(github.filesAt(github.defaultBranch));
    const ledger = Object.keys(files).find((path) => path.startsWith('.driftgate/ledger/net/'))!;
    github.commit(
      undefined,
      {
        ...files,
        [ledger]: files[ledger]!.replace(
          'planned_operations: []',
          'planned_operations:\n  - api: TerminateInstances\n    params: {}',
        ),
      },
      github.defaultBranch,
    );
    github.permissions.set('maintainer', 'write');
    const writesBefore = github.writes.length;
    const branchesBefore = [...github.branches.keys()];

    await comment(pr.number, '/driftgate undo', 'maintainer');

    expect(pr.comments.at(-1)).toMatch(
      new RegExp(
        `Could not undo: ${ledger.replace(/[.]/g, '\\.')}:\\d+:\\d+: not a driftgate ledger record: planned_operations\\[0\\]\\.api`,
      ),
    );
    expect([...github.branches.keys()]).toEqual(branchesBefore);
    expect(
      github.writes.slice(writesBefore).every((write) => /comments|reactions/.test(write)),
    ).toBe(true);
  });

  it('a merged PR whose ledger record was edited into an unknown operation: not executed, a comment says why', async () => {
    await dispatch({ stack: 'net', plan_run_id: 4242, plan_artifact: 'good' });
    const pr = github.pullRequests.find((candidate) => candidate.head.ref.includes('aws_vpc'))!;
    const files = Object.fromEntries(github.filesAt(pr.head.ref));
    const ledger = Object.keys(files).find((path) => path.startsWith('.driftgate/ledger/net/'))!;
    github.commit(
      undefined,
      {
        ...files,
        [ledger]: files[ledger]!.replace(
          'planned_operations: []',
          'planned_operations:\n  - api: CreateTags\n    params: { Resources: [vpc-1] }',
        ),
      },
      pr.head.ref,
    );
    github.permissions.set('reviewer', 'write');
    github.reviews.set(pr.number, [
      { id: 1, user: { login: 'reviewer' }, state: 'APPROVED', commit_id: 'x' },
    ]);
    github.merge(pr.number, 'maintainer');
    const example = examplePayload('pull_request', (candidate) => candidate.action === 'opened');
    const fullName = repository.full_name as string;
    await app.receive({
      id: String(Math.random()),
      name: 'pull_request',
      payload: {
        ...example,
        action: 'closed',
        number: pr.number,
        pull_request: {
          ...(example.pull_request as object),
          number: pr.number,
          merged: true,
          merge_commit_sha: pr.merge_commit_sha,
          body: pr.body,
          head: { ref: pr.head.ref, sha: 'x', repo: { full_name: fullName } },
          base: { ref: github.defaultBranch, repo: { full_name: fullName } },
        },
        repository,
        installation: INSTALLATION,
      },
    } as never);
    expect(github.dispatches).toEqual([]);
    expect(pr.comments.at(-1)).toContain(
      `driftgate did not execute this merge: the ledger record cannot be read: ${ledger}:`,
    );
    expect(pr.comments.at(-1)).toContain('planned_operations[0].params.Tags');
  });
});
