/**
 * What the app takes from its environment once, at startup, and hands to every handler as
 * data: the key that authenticates driftgate's hidden records (src/github/hidden-json.ts).
 */
import type { Context } from 'probot';
import { metadataKeyFromEnvironment, type MetadataKey } from '../github/hidden-json.js';
import { GitHubRepository } from '../github/repository.js';
import { notifyTargetsFrom, type NotifyTargetEnvironment } from '../notify/notify.js';

export interface AppEnvironment {
  readonly metadataKey: MetadataKey;
  /** Notification targets by name, from DRIFTGATE_NOTIFY_<NAME> (secrets: never logged). */
  readonly notifyTargets?: ReadonlyMap<string, NotifyTargetEnvironment>;
  /**
   * The app's id (APP_ID): driftgate's own check runs are read back from this app only, so a
   * run of the same name made by a workflow or another app never speaks for driftgate.
   */
  readonly appId?: number | undefined;
}

export function appEnvironmentFrom(env: NodeJS.ProcessEnv): AppEnvironment {
  const appId = Number(env.APP_ID);
  return {
    metadataKey: metadataKeyFromEnvironment(env),
    notifyTargets: notifyTargetsFrom(env),
    ...(Number.isInteger(appId) && appId > 0 ? { appId } : {}),
  };
}

/** The repository, reading hidden records with the app's key and logging rejected ones. */
export function repositoryFor(
  context: Pick<Context, 'octokit' | 'log'>,
  environment: AppEnvironment,
  owner: string,
  repo: string,
  defaultBranch: string,
): GitHubRepository {
  return new GitHubRepository(context.octokit, owner, repo, defaultBranch, {
    key: environment.metadataKey,
    onRejected: (tag, reason) =>
      context.log.warn(
        { repository: `${owner}/${repo}`, record: tag, reason },
        'ignored a driftgate record that is not authentic',
      ),
  });
}
