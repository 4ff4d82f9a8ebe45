/**
 * The driftgate GitHub App (Probot). This file only wires events to handlers; the work is
 * in src/app/. `npm start` builds and runs it with `probot run`.
 */
import type { Probot } from 'probot';
import { handlePush } from './app/config-check.js';

export default function driftgate(app: Probot): void {
  app.on('push', async (context) => {
    await handlePush(context);
  });
}
