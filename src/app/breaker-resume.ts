/**
 * `/driftgate resume [stack]`: someone with write access (checked before this runs, in
 * commands.ts) closes a stack's circuit breaker. On a driftgate PR it is the PR's stack
 * (open or merged: the PR that was rolled back is where people look); on the dashboard, the
 * named stack or every open one. Who reset it is recorded in the breaker file, the
 * dashboard and the metrics.
 */
import type { DriftgateConfig } from '../config/schema.js';
import type { GitHubRepository } from '../github/repository.js';
import { parsePullRequestMeta } from '../github/pr-body.js';
import type { CommandJob } from '../jobs/payloads.js';
import { inlineCode, plainText } from '../report/markdown.js';
import { readBreaker, recordBreakerEvent } from './breaker.js';
import { updateGuardrails } from './dashboard-update.js';
import type { JobContext } from './job-context.js';

export type ResumeOutcome = { kind: 'done' | 'refused'; message: string };

/** The stack of a driftgate PR in this repository (any state), if the comment is on one. */
async function stackOfPullRequest(
  context: JobContext,
  job: CommandJob,
  github: GitHubRepository,
): Promise<string | undefined> {
  if (!job.isPullRequest) return undefined;
  const { data } = await context.octokit.rest.pulls.get({
    owner: job.owner,
    repo: job.repo,
    pull_number: job.issueNumber,
  });
  if (!/^driftgate(-undo)?\//.test(data.head.ref)) return undefined;
  if (data.head.repo?.full_name !== data.base.repo.full_name) return undefined;
  return parsePullRequestMeta(github.records, data.body)?.stack;
}

export async function resumeBreakers(
  context: JobContext,
  job: CommandJob,
  github: GitHubRepository,
  config: DriftgateConfig,
  named: string | undefined,
): Promise<ResumeOutcome> {
  const ofPullRequest = await stackOfPullRequest(context, job, github);
  if (job.isPullRequest && !ofPullRequest && !named)
    return {
      kind: 'refused',
      message:
        '`/driftgate resume` works on a driftgate pull request, or on the dashboard with a stack name.',
    };
  const wanted = named ?? ofPullRequest;
  if (wanted && !config.stacks.some((stack) => stack.name === wanted))
    return {
      kind: 'refused',
      message: `There is no stack ${inlineCode(wanted)} in \`.github/driftgate.yml\`.`,
    };
  const candidates = wanted ? [wanted] : config.stacks.map((stack) => stack.name);
  const open: string[] = [];
  for (const stack of candidates)
    if ((await readBreaker(github, stack)).state === 'open') open.push(stack);
  if (!open.length)
    return {
      kind: 'done',
      message: `The circuit breaker of ${wanted ? inlineCode(wanted) : 'every stack'} is already closed; nothing to resume.`,
    };
  const now = context.now();
  const by = job.sender.login;
  const notes: string[] = [];
  for (const stack of open) {
    context.lock?.assertHeld();
    const note = await recordBreakerEvent(github, stack, {
      state: 'closed',
      at: now.toISOString(),
      cause: '/driftgate resume',
      by,
    });
    if (note) {
      notes.push(note);
      continue;
    }
    context.jobs.metrics.breakerTransitions.inc({ state: 'closed' });
    context.jobs.metrics.breakerOpen.set({ repository: `${job.owner}/${job.repo}`, stack }, 0);
  }
  if (notes.length)
    return { kind: 'refused', message: `Could not resume: ${plainText(notes.join('; '))}.` };
  await updateGuardrails(
    github,
    (guardrails) => ({
      ...guardrails,
      breakers: guardrails.breakers.map((breaker) =>
        open.includes(breaker.stack)
          ? { ...breaker, state: 'closed' as const, at: now.toISOString(), resetBy: by }
          : breaker,
      ),
    }),
    now,
  );
  context.log.info({ repository: `${job.owner}/${job.repo}`, stacks: open, by }, 'breaker reset');
  return {
    kind: 'done',
    message: `Closed the circuit breaker of ${open.map((stack) => inlineCode(stack)).join(', ')}, as @${by} asked: driftgate executes and self-merges there again; executions that waited run at their next look, within minutes.`,
  };
}
