/** What every job handler gets from the worker: GitHub (the installation's token), a log, the job layer and the repository's lock. */
import type { Context } from 'probot';
import type { HeldLock, JobLayer } from '../jobs/job-layer.js';
import type { AppEnvironment } from './environment.js';

export interface JobContext extends Pick<Context, 'octokit' | 'log'> {
  jobs: JobLayer;
  lock: HeldLock | undefined;
  /** The app's environment (the key of driftgate's hidden records). */
  environment: AppEnvironment;
  /** The time jobs act at (tests move it; production reads the clock). */
  now: () => Date;
}
