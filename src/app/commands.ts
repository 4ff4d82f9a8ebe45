/**
 * `/driftgate …` commands in pull request comments. Honoured only from people whose real
 * permission on the repository is write, maintain or admin (asked of GitHub, never taken
 * from the payload); acknowledged with 👀, then 🚀 when done or 😕 when refused, and a reply.
 */
import { COMMAND_HELP, canCommand, parseCommand, type Command } from '../github/commands.js';
import {
  parsePullRequestMeta,
  planOfPullRequest,
  type PullRequestMeta,
} from '../github/pr-body.js';
import { DriftgateError, describeError } from '../errors.js';
import type { GitHubRepository } from '../github/repository.js';
import { repositoryFor } from './environment.js';
import { ignoreDrift } from './ignore.js';
import { openUndoPullRequest } from './undo.js';
import { readRepositoryConfig } from './config-check.js';
import { awsClientConfig } from '../cloud/aws/clients.js';
import type { CommandJob } from '../jobs/payloads.js';
import type { JobContext } from './job-context.js';
import { scanRepository } from './scan-repository.js';
import { resumeBreakers } from './breaker-resume.js';
import { inlineCode, plainText } from '../report/markdown.js';
import { mention } from '../context/training.js';

/** Marks driftgate's own replies, so it never answers itself. */
const REPLY_MARKER = '<!-- driftgate:reply -->';

/** A comment that may be a command: cheap to tell at intake, before any job is queued. */
export function mightBeCommand(body: string): boolean {
  return !body.includes(REPLY_MARKER) && parseCommand(body) !== undefined;
}

async function react(
  context: JobContext,
  job: CommandJob,
  content: 'eyes' | 'rocket' | 'confused',
): Promise<void> {
  await context.octokit.rest.reactions.createForIssueComment({
    owner: job.owner,
    repo: job.repo,
    comment_id: job.commentId,
    content,
  });
}

async function reply(context: JobContext, job: CommandJob, text: string): Promise<void> {
  await context.octokit.rest.issues.createComment({
    owner: job.owner,
    repo: job.repo,
    issue_number: job.issueNumber,
    body: `${text}\n\n${REPLY_MARKER}`,
  });
}

async function driftgatePullRequest(
  context: JobContext,
  job: CommandJob,
  github: GitHubRepository,
): Promise<{ meta: PullRequestMeta; body: string } | undefined> {
  if (!job.isPullRequest) return undefined;
  const { data } = await context.octokit.rest.pulls.get({
    owner: job.owner,
    repo: job.repo,
    pull_number: job.issueNumber,
  });
  // Only driftgate's own branches in this repository: a fork's PR body proves nothing.
  if (data.state !== 'open' || !data.head.ref.startsWith('driftgate/')) return undefined;
  if (data.head.repo?.full_name !== data.base.repo.full_name) return undefined;
  const meta = parsePullRequestMeta(github.records, data.body);
  return meta ? { meta, body: data.body ?? '' } : undefined;
}

export type CommandOutcome = 'ignored' | 'help' | 'refused' | 'done';

export async function handleComment(context: JobContext, job: CommandJob): Promise<CommandOutcome> {
  const { sender } = job;
  if (job.body.includes(REPLY_MARKER)) return 'ignored';
  const command: Command | undefined = parseCommand(job.body);
  if (!command) return 'ignored';
  await react(context, job, 'eyes');

  if (sender.type === 'Bot') {
    await reply(
      context,
      job,
      'driftgate takes commands from people with write access, not from bots.',
    );
    await react(context, job, 'confused');
    return 'refused';
  }
  if (command.kind === 'help' || command.kind === 'unknown') {
    await reply(
      context,
      job,
      command.kind === 'unknown'
        ? `Unknown command \`/driftgate ${command.text}\`.\n\n${COMMAND_HELP}`
        : COMMAND_HELP,
    );
    await react(context, job, command.kind === 'help' ? 'rocket' : 'confused');
    return 'help';
  }
  const { owner, repo } = job;
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  // The real permission, asked of GitHub now; the payload's author_association is not trusted.
  const { permission, role } = await github.permissionOf(sender.login);
  if (!canCommand(permission, role)) {
    await reply(
      context,
      job,
      `@${sender.login}: \`/driftgate ${command.kind}\` needs write access to this repository; nothing was changed.`,
    );
    await react(context, job, 'confused');
    return 'refused';
  }

  const found = await driftgatePullRequest(context, job, github);
  const meta = found?.meta;
  const target = {
    owner,
    repo,
    defaultBranch: job.defaultBranch,
    installationId: job.installationId,
  };
  switch (command.kind) {
    case 'resume': {
      const config = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
      const resumed =
        config.kind === 'valid'
          ? await resumeBreakers(context, job, github, config.config, command.stack)
          : { kind: 'refused' as const, message: 'There is no valid `.github/driftgate.yml`.' };
      await reply(context, job, resumed.message);
      if (resumed.kind === 'refused') {
        await react(context, job, 'confused');
        return 'refused';
      }
      break;
    }
    case 'rescan': {
      const results = await scanRepository(context, {
        ...target,
        stack: meta?.stack,
        plan:
          meta?.plan_run_id !== undefined && meta.plan_artifact
            ? { runId: meta.plan_run_id, artifact: meta.plan_artifact }
            : undefined,
      });
      await reply(
        context,
        job,
        `Rescanned ${results.map((result) => `${inlineCode(result.stack)} (${result.error ? `failed: ${plainText(result.error)}` : `${result.drifts} drift(s)`})`).join(', ') || 'nothing: no valid config'}.`,
      );
      break;
    }
    case 'codify':
    case 'revert': {
      if (!meta) {
        await reply(
          context,
          job,
          `\`/driftgate ${command.kind}\` works on an open driftgate pull request.`,
        );
        await react(context, job, 'confused');
        return 'refused';
      }
      if (meta.direction === command.kind) {
        await reply(context, job, `This PR already proposes to ${command.kind}.`);
        break;
      }
      const results = await scanRepository(context, {
        ...target,
        stack: meta.stack,
        overrides: new Map([[meta.address, { direction: command.kind, by: sender.login }]]),
        plan: planOfPullRequest(meta),
      });
      const result = results[0];
      if (!result || result.error || !result.actions.includes('update')) {
        await reply(
          context,
          job,
          `Could not switch this PR to ${command.kind}${result?.error ? `: ${plainText(result.error)}` : ': the drift is no longer there'}.`,
        );
        await react(context, job, 'confused');
        return 'refused';
      }
      await reply(
        context,
        job,
        `Switched to **${command.kind}**, as @${sender.login} asked: the branch and the description now ${command.kind === 'codify' ? 'change the code to match live' : 'revert live state to the code'}.`,
      );
      break;
    }
    case 'handson': {
      if (!meta) {
        await reply(context, job, '`/driftgate handson` works on an open driftgate pull request.');
        await react(context, job, 'confused');
        return 'refused';
      }
      const learner = command.login ?? sender.login;
      const results = await scanRepository(context, {
        ...target,
        stack: meta.stack,
        handson: { address: meta.address, learner, by: sender.login },
        plan: planOfPullRequest(meta),
      });
      const result = results[0];
      if (!result || result.error || !result.actions.includes('update')) {
        await reply(
          context,
          job,
          `Could not assign this PR${result?.error ? `: ${plainText(result.error)}` : ': the drift is no longer there'}.`,
        );
        await react(context, job, 'confused');
        return 'refused';
      }
      await reply(
        context,
        job,
        `Assigned to ${mention(learner)} to fix by hand, as @${sender.login} asked: the checklist is in the description, and auto-merge waits meanwhile.`,
      );
      break;
    }
    case 'explain': {
      if (!meta) {
        await reply(context, job, '`/driftgate explain` works on an open driftgate pull request.');
        await react(context, job, 'confused');
        return 'refused';
      }
      await reply(
        context,
        job,
        `${inlineCode(meta.address)} in stack ${inlineCode(meta.stack)} (fingerprint ${inlineCode(meta.fingerprint)}) — this PR proposes to **${meta.direction}**${meta.override ? ` (chosen by ${plainText(`@${meta.override_by ?? 'someone'}`)})` : ''}; tier ${meta.tier}. The reasons are in the description: "Why this direction", "Security" and "Tier".`,
      );
      break;
    }
    case 'undo': {
      // The command job holds the repository's lock: nothing else writes here meanwhile.
      context.lock?.assertHeld();
      let undone: Awaited<ReturnType<typeof openUndoPullRequest>>;
      try {
        undone = await openUndoPullRequest(github, job.issueNumber, sender.login, new Date(), {
          // The undo PR's aws commands carry the stack's region, as the revert PR's did.
          regionOf: async (stack) => {
            const config = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
            const found =
              config.kind === 'valid'
                ? config.config.stacks.find((candidate) => candidate.name === stack)
                : undefined;
            return awsClientConfig({ region: found?.aws.region }).region;
          },
        });
      } catch (error) {
        // A ledger record edited into something driftgate cannot read: say so, write nothing.
        if (!(error instanceof DriftgateError)) throw error;
        await reply(context, job, `Could not undo: ${error.format()}`);
        await react(context, job, 'confused');
        return 'refused';
      }
      if (undone.kind === 'refused') {
        await reply(context, job, `Nothing to undo: ${undone.reason}`);
        await react(context, job, 'confused');
        return 'refused';
      }
      await reply(
        context,
        job,
        `Opened #${undone.number} to undo this remediation. It follows the same tier and review rules; merging it executes the undo.`,
      );
      break;
    }
    case 'ignore': {
      if (!found) {
        await reply(context, job, '`/driftgate ignore` works on an open driftgate pull request.');
        await react(context, job, 'confused');
        return 'refused';
      }
      try {
        context.lock?.assertHeld();
        const configPr = await ignoreDrift(github, {
          pullRequest: { number: job.issueNumber, body: found.body },
          meta: found.meta,
          days: command.days,
          reason: command.reason,
          by: sender.login,
          now: new Date(),
        });
        context.log.info(
          { repository: `${owner}/${repo}`, pullRequest: job.issueNumber, configPr },
          'drift ignored',
        );
      } catch (error) {
        await reply(
          context,
          job,
          `Could not ignore this drift: ${plainText(describeError(error))}`,
        );
        await react(context, job, 'confused');
        return 'refused';
      }
      break;
    }
  }
  await react(context, job, 'rocket');
  return 'done';
}
