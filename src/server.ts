/**
 * `npm start`: run the app with Probot's server (webhooks, the scheduler) and driftgate's
 * throttling. Configuration comes from the environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET…).
 */
import { run } from 'probot';
import driftgate from './index.js';
import { DriftgateOctokit } from './github/octokit.js';

await run(driftgate, { Octokit: DriftgateOctokit });
