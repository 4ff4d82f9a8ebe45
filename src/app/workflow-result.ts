/**
 * The result of a dispatched apply workflow comes back as `workflow_run.completed`. The
 * workflow names its run `driftgate apply #<pr>` (its `run-name`), which is how driftgate
 * finds the PR; the run must be of the stack's configured `apply_workflow`, on the default
 * branch of this repository. The result completes the `driftgate/apply` check run, is
 * commented on the PR and recorded in the ledger.
 */
import { terraformTargetCommand } from '../remediation/shell.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { parsePullRequestMeta } from '../github/pr-body.js';
import { repositoryFor } from './environment.js';
import { inlineCode, plainText } from '../report/markdown.js';
import { readRepositoryConfig } from './config-check.js';
import type { WorkflowResultJob } from '../jobs/payloads.js';
import { APPLY_CHECK, findLedger, isDriftgateBranch, recordOutcome } from './execute-merge.js';
import type { JobContext } from './job-context.js';

export const RUN_NAME = /\bdriftgate apply #(\d+)\b/;

export async function handleApplyWorkflowRun(
  context: JobContext,
  job: WorkflowResultJob,
): Promise<'ignored' | 'recorded'> {
  const { run, owner, repo } = job;
  const number = Number(RUN_NAME.exec(run.title)?.[1] ?? NaN);
  if (!Number.isInteger(number)) return 'ignored';
  // A fork's run of a same-named workflow proves nothing.
  if (run.headRepository?.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) return 'ignored';
  if (run.headBranch !== job.defaultBranch) return 'ignored';
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  const config = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
  if (config.kind !== 'valid') return 'ignored';
  const pr = await github.getPullRequest(number);
  const meta = parsePullRequestMeta(github.records, pr.body);
  if (!pr.merged || !pr.merge_commit_sha || !meta || !isDriftgateBranch(pr.head.ref))
    return 'ignored';
  const stack = config.config.stacks.find((candidate) => candidate.name === meta.stack);
  if (!stack?.apply_workflow || !run.path.endsWith(`/${stack.apply_workflow}`)) return 'ignored';
  const succeeded = run.conclusion === 'success';
  const summary = `[${plainText(stack.apply_workflow)} run #${run.runNumber}](${run.htmlUrl}) ${succeeded ? 'applied' : `ended ${run.conclusion}`}: ${inlineCode(terraformTargetCommand('apply', meta.address))}.`;
  await ensureCheckRun(context.octokit, {
    owner,
    repo,
    headSha: pr.merge_commit_sha,
    name: APPLY_CHECK,
    conclusion: succeeded ? 'success' : 'failure',
    title: `${stack.apply_workflow}: ${run.conclusion}`,
    summary,
  });
  const ledger = await findLedger(github, number, job.defaultBranch);
  const note = ledger
    ? await recordOutcome(
        github,
        ledger,
        {
          status: succeeded ? 'applied' : `workflow-${run.conclusion}`,
          pull_request: number,
          merged_by: pr.merged_by?.login ?? null,
          approved_by: [],
          executed_at: run.updatedAt,
          operations: [
            {
              api: `workflow:${stack.apply_workflow}`,
              result: succeeded ? 'ok' : 'failed',
              ...(succeeded ? {} : { error: `run ${run.htmlUrl} ${run.conclusion}` }),
            },
          ],
          rollback: [],
          precheck: 'by the workflow (terraform plan)',
          verification: succeeded ? `workflow run ${run.htmlUrl} succeeded` : 'not verified',
          duration_ms: Date.parse(run.updatedAt) - Date.parse(run.startedAt),
        },
        meta,
      )
    : 'no ledger record found';
  await github.comment(number, `${summary}${note ? `\n\nNote: ${note}.` : ''}`);
  return 'recorded';
}
