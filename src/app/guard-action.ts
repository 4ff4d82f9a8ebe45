/**
 * The guard's "Codify #N" button (check_run.requested_action): switch drift PR #N to
 * codify, exactly as `/driftgate codify` on it would — and only for someone whose real
 * permission on the repository is write or more (asked of GitHub, never taken from the
 * payload). The answer is a comment on the drift PR (done) or on the guarded PR (refused).
 */
import { canCommand } from '../github/commands.js';
import { parsePullRequestMeta, planOfPullRequest } from '../github/pr-body.js';
import type { GuardActionJob } from '../jobs/payloads.js';
import { plainText } from '../report/markdown.js';
import { repositoryFor } from './environment.js';
import { CODIFY_ACTION } from './guard-verdict.js';
import { isOwnPullRequest } from './guard.js';
import type { JobContext } from './job-context.js';
import { scanRepository } from './scan-repository.js';

export type GuardActionOutcome = 'ignored' | 'refused' | 'unchanged' | 'switched';

export async function handleGuardAction(
  context: JobContext,
  job: GuardActionJob,
): Promise<GuardActionOutcome> {
  const match = CODIFY_ACTION.exec(job.identifier);
  if (!match) return 'ignored';
  const driftPullNumber = Number(match[1]);
  const { owner, repo, sender } = job;
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  const answerRefusal = async (text: string) => {
    if (job.guardedPullNumber) await github.comment(job.guardedPullNumber, text);
    return 'refused' as const;
  };
  if (sender.type === 'Bot')
    return answerRefusal('driftgate takes requests from people with write access, not from bots.');
  const { permission, role } = await github.permissionOf(sender.login);
  if (!canCommand(permission, role))
    return answerRefusal(
      `@${sender.login}: switching #${driftPullNumber} to codify needs write access to this repository; nothing was changed.`,
    );
  const pr = await github.getPullRequest(driftPullNumber);
  const meta =
    pr.state === 'open' &&
    isOwnPullRequest(pr.head.ref, pr.head.repo?.full_name, pr.base.repo.full_name)
      ? parsePullRequestMeta(github.records, pr.body)
      : undefined;
  if (!meta) return answerRefusal(`#${driftPullNumber} is not an open driftgate pull request.`);
  if (meta.direction === 'codify') return 'unchanged';
  context.lock?.assertHeld();
  const [result] = await scanRepository(context, {
    owner,
    repo,
    defaultBranch: job.defaultBranch,
    installationId: job.installationId,
    stack: meta.stack,
    overrides: new Map([[meta.address, { direction: 'codify', by: sender.login }]]),
    plan: planOfPullRequest(meta),
  });
  if (!result || result.error || !result.actions.includes('update'))
    return answerRefusal(
      `Could not switch #${driftPullNumber} to codify${result?.error ? `: ${plainText(result.error)}` : ': the drift is no longer there, or the stack is in `report` mode'}.`,
    );
  await github.comment(
    driftPullNumber,
    `Switched to **codify**, as @${sender.login} asked from the \`driftgate/guard\` check${job.guardedPullNumber ? ` on #${job.guardedPullNumber}` : ''}: the branch and the description now change the code to match live.`,
  );
  return 'switched';
}
