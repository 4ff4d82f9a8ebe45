/**
 * Check runs as desired state: `ensureCheckRun` creates the run for a commit, updates it
 * when its result changed, and writes nothing when it already says the same thing — so a
 * webhook delivered twice leaves one check run and makes one write.
 */
import type { ProbotOctokit } from 'probot';

/** Probot's Octokit (the app) and `@octokit/rest`'s (the Action) both fit. */
type Octokit = Pick<InstanceType<typeof ProbotOctokit>, 'rest'>;

export interface DesiredCheckRun {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  /** `pending`: the run stays in progress (e.g. waiting for a dispatched workflow). */
  conclusion: 'success' | 'failure' | 'neutral' | 'pending';
  title: string;
  summary: string;
  /** Buttons on the check run (check_run.requested_action); [] removes them. */
  actions?: { label: string; description: string; identifier: string }[];
  /** The app's own reference on the run (e.g. the guard's plans); only this app can write it. */
  externalId?: string;
}

export type CheckRunWrite = 'created' | 'updated' | 'unchanged';

export async function ensureCheckRun(
  octokit: Octokit,
  desired: DesiredCheckRun,
): Promise<CheckRunWrite> {
  const { owner, repo, headSha, name } = desired;
  const existing = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: headSha,
    check_name: name,
    filter: 'latest',
    per_page: 1,
  });
  const run = existing.data.check_runs[0];
  const output = { title: desired.title, summary: desired.summary };
  const actions = {
    ...(desired.actions ? { actions: desired.actions } : {}),
    ...(desired.externalId !== undefined ? { external_id: desired.externalId } : {}),
  };
  const result =
    desired.conclusion === 'pending'
      ? { status: 'in_progress' as const }
      : { status: 'completed' as const, conclusion: desired.conclusion };
  if (!run) {
    await octokit.rest.checks.create({
      owner,
      repo,
      name,
      head_sha: headSha,
      ...result,
      output,
      ...actions,
    });
    return 'created';
  }
  if (
    run.status === result.status &&
    (run.conclusion ?? undefined) === ('conclusion' in result ? result.conclusion : undefined) &&
    run.output.title === desired.title &&
    run.output.summary === desired.summary &&
    (desired.externalId === undefined || (run.external_id ?? '') === desired.externalId)
  ) {
    return 'unchanged';
  }
  await octokit.rest.checks.update({
    owner,
    repo,
    check_run_id: run.id,
    ...result,
    output,
    ...actions,
  });
  return 'updated';
}
