/**
 * The result of a dispatched apply workflow comes back as `workflow_run.completed`. The
 * workflow names its run `driftgate apply #<pr>` (its `run-name`), which is how driftgate
 * finds the PR; the run must be of the stack's configured `apply_workflow`, on the default
 * branch of this repository. The result completes the `driftgate/apply` check run, is
 * commented on the PR and recorded in the ledger.
 */
import { terraformTargetCommand } from '../remediation/shell.js';
import type { Context } from 'probot';
import { ensureCheckRun } from '../github/check-runs.js';
import { parsePullRequestMeta } from '../github/pr-body.js';
import { GitHubRepository } from '../github/repository.js';
import { readRepositoryConfig } from './config-check.js';
import { APPLY_CHECK, findLedger, isDriftgateBranch, recordOutcome } from './execute-merge.js';
import { serialisePerRepository } from './scan-repository.js';

export const RUN_NAME = /\bdriftgate apply #(\d+)\b/;

export async function handleApplyWorkflowRun(
  context: Context<'workflow_run.completed'>,
): Promise<'ignored' | 'recorded'> {
  const { workflow_run: run, repository } = context.payload;
  const number = Number(RUN_NAME.exec(run.display_title ?? run.name ?? '')?.[1] ?? NaN);
  if (!Number.isInteger(number)) return 'ignored';
  // A fork's run of a same-named workflow proves nothing.
  if (run.head_repository?.full_name !== repository.full_name) return 'ignored';
  if (run.head_branch !== repository.default_branch) return 'ignored';
  const owner = repository.owner.login;
  const repo = repository.name;
  const github = new GitHubRepository(context.octokit, owner, repo, repository.default_branch);
  return serialisePerRepository(`${owner}/${repo}`, async () => {
    const config = await readRepositoryConfig(context, owner, repo, repository.default_branch);
    if (config.kind !== 'valid') return 'ignored';
    const pr = await github.getPullRequest(number);
    const meta = parsePullRequestMeta(pr.body);
    if (!pr.merged || !pr.merge_commit_sha || !meta || !isDriftgateBranch(pr.head.ref))
      return 'ignored';
    const stack = config.config.stacks.find((candidate) => candidate.name === meta.stack);
    if (!stack?.apply_workflow || !run.path.endsWith(`/${stack.apply_workflow}`)) return 'ignored';
    const succeeded = run.conclusion === 'success';
    const summary = `[${stack.apply_workflow} run #${run.run_number}](${run.html_url}) ${succeeded ? 'applied' : `ended ${run.conclusion}`}: \`${terraformTargetCommand('apply', meta.address)}\`.`;
    await ensureCheckRun(context.octokit, {
      owner,
      repo,
      headSha: pr.merge_commit_sha,
      name: APPLY_CHECK,
      conclusion: succeeded ? 'success' : 'failure',
      title: `${stack.apply_workflow}: ${run.conclusion}`,
      summary,
    });
    const ledger = await findLedger(github, number, repository.default_branch);
    const note = ledger
      ? await recordOutcome(
          github,
          ledger,
          {
            status: succeeded ? 'applied' : `workflow-${run.conclusion}`,
            pull_request: number,
            merged_by: pr.merged_by?.login ?? null,
            approved_by: [],
            executed_at: run.updated_at,
            operations: [
              {
                api: `workflow:${stack.apply_workflow}`,
                result: succeeded ? 'ok' : 'failed',
                ...(succeeded ? {} : { error: `run ${run.html_url} ${run.conclusion}` }),
              },
            ],
            rollback: [],
            precheck: 'by the workflow (terraform plan)',
            verification: succeeded ? `workflow run ${run.html_url} succeeded` : 'not verified',
            duration_ms:
              Date.parse(run.updated_at) - Date.parse(run.run_started_at ?? run.created_at),
          },
          meta,
        )
      : 'no ledger record found';
    await github.comment(number, `${summary}${note ? `\n\nNote: ${note}.` : ''}`);
    return 'recorded';
  });
}
