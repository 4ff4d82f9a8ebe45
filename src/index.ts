/**
 * The driftgate GitHub App (Probot). This file only wires events to handlers; the work is
 * in src/app/. `npm start` builds and runs it with `probot run`.
 */
import type { Probot } from 'probot';
import { handleComment } from './app/commands.js';
import { handlePush } from './app/config-check.js';
import { scanRepository } from './app/scan-repository.js';

export default function driftgate(app: Probot): void {
  app.on('push', async (context) => {
    await handlePush(context);
  });

  app.on('issue_comment.created', async (context) => {
    await handleComment(context);
  });

  // A GitHub Actions cron or an EventBridge rule can trigger a scan:
  // POST /repos/{owner}/{repo}/dispatches {"event_type": "driftgate-scan", "client_payload": {"stack": "..."}}
  app.on('repository_dispatch', async (context) => {
    if (context.payload.action !== 'driftgate-scan') return;
    const stack = (context.payload.client_payload as { stack?: unknown } | null)?.stack;
    const { repository } = context.payload;
    await scanRepository(context, {
      owner: repository.owner.login,
      repo: repository.name,
      defaultBranch: repository.default_branch,
      stack: typeof stack === 'string' ? stack : undefined,
    });
  });
}
