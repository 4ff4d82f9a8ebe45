/**
 * On every push to the default branch, validate `.github/driftgate.yml` and say so in a
 * `driftgate/config` check run on the pushed commit: a failing run names the bad key and
 * the problem, and nothing else is done for that repository until the config is fixed.
 */
import type { Context } from 'probot';
import { loadExtendedConfig } from '../config/extends.js';
import { CONFIG_PATH } from '../config/load.js';
import { gitHubConfigReader, type ContentsClient } from '../github/config-files.js';
import type { DriftgateConfig } from '../config/schema.js';
import { DriftgateError } from '../errors.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { DRIFTGATE_LABELS } from '../github/repository.js';
import { codeBlock, inlineCode, plainText } from '../report/markdown.js';
import type { ConfigCheckJob } from '../jobs/payloads.js';
import { repositoryFor } from './environment.js';
import type { JobContext } from './job-context.js';

export const CONFIG_CHECK = 'driftgate/config';

export type ConfigOutcome =
  | { kind: 'absent' }
  | { kind: 'invalid'; message: string }
  | { kind: 'valid'; config: DriftgateConfig };

/**
 * Read and validate the config at a commit, with every file it `_extends` (parents at their
 * default branch). A repository without one is not driftgate's.
 */
export async function readRepositoryConfig(
  context: { octokit: ContentsClient },
  owner: string,
  repo: string,
  ref: string,
): Promise<ConfigOutcome> {
  try {
    const config = await loadExtendedConfig(gitHubConfigReader(context.octokit), {
      owner,
      repo,
      path: CONFIG_PATH,
      ref,
    });
    return config ? { kind: 'valid', config } : { kind: 'absent' };
  } catch (error) {
    if (error instanceof DriftgateError) return { kind: 'invalid', message: error.format() };
    throw error;
  }
}

/** Validate the config at a commit and say so in the driftgate/config check run on it. */
export async function reportConfigCheck(
  context: Pick<Context, 'octokit' | 'log'>,
  owner: string,
  repo: string,
  sha: string,
): Promise<ConfigOutcome> {
  const outcome = await readRepositoryConfig(context, owner, repo, sha);
  if (outcome.kind === 'absent') return outcome;
  const stacks =
    outcome.kind === 'valid'
      ? outcome.config.stacks
          .map(
            (stack) =>
              `- ${inlineCode(stack.name)} (${inlineCode(stack.dir)}, ${plainText(stack.environment)})`,
          )
          .join('\n')
      : '';
  await ensureCheckRun(context.octokit, {
    owner,
    repo,
    headSha: sha,
    name: CONFIG_CHECK,
    conclusion: outcome.kind === 'valid' ? 'success' : 'failure',
    title:
      outcome.kind === 'valid'
        ? `${CONFIG_PATH} is valid`
        : `${CONFIG_PATH} is invalid: driftgate is paused for this repository`,
    summary:
      outcome.kind === 'valid'
        ? `driftgate watches ${outcome.config.stacks.length} stack(s):\n\n${stacks}`
        : `Fix the configuration; until then driftgate opens, updates and closes no pull requests here.\n\n${codeBlock(outcome.message)}`,
  });
  context.log.info(
    { repository: `${owner}/${repo}`, result: outcome.kind },
    'validated driftgate config',
  );
  return outcome;
}

export interface PushOutcome {
  config: ConfigOutcome;
  /** The push changed the config or a stack's files (or a person asked): scan again. */
  rescan: boolean;
}

/**
 * The config-check job: validate the config at a commit of the default branch, say so in
 * the driftgate/config check run, keep the repository's schedule in line with the config's
 * cron, and scan again when the config or a stack changed.
 */
export async function handleConfigCheck(
  context: JobContext,
  job: ConfigCheckJob,
): Promise<PushOutcome> {
  const { owner, repo } = job;
  const config = await reportConfigCheck(context, owner, repo, job.sha);
  const ref = {
    installationId: job.installationId,
    owner,
    repo,
    defaultBranch: job.defaultBranch,
  };
  if (config.kind === 'absent') await context.jobs.removeRepositorySchedule(owner, repo);
  if (config.kind !== 'valid') return { config, rescan: false };
  await context.jobs.upsertRepositorySchedule(ref, config.config.schedule);
  await repositoryFor(context, context.environment, owner, repo, job.defaultBranch).ensureLabels(
    DRIFTGATE_LABELS,
  );
  const rescan =
    job.trigger === 'rerequested' ||
    job.changedPaths.some(
      (path) =>
        path === CONFIG_PATH ||
        config.config.stacks.some((stack) => path.startsWith(`${stack.dir.replace(/\/$/, '')}/`)),
    );
  if (rescan) await context.jobs.enqueue({ kind: 'scan', ...ref, reason: job.trigger });
  return { config, rescan };
}
