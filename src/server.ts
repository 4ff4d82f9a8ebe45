/**
 * `npm start` (after `npm run build`): the driftgate service. DRIFTGATE_PROCESS picks what
 * this process does — `web` (webhooks: verify, de-duplicate, enqueue, answer), `worker`
 * (take jobs) or `all` (both, the default). Every kind serves /healthz, /readyz and
 * /metrics on HOST:PORT. SIGTERM: stop answering and taking jobs, finish the jobs in hand
 * (or leave them to another worker after DRIFTGATE_SHUTDOWN_TIMEOUT_MS), close Redis, exit.
 */
import { createServer } from 'node:http';
import { Probot, Server } from 'probot';
import { createDriftgate, workerConcurrency } from './index.js';
import { jobHandler } from './app/handlers.js';
import { appEnvironmentFrom } from './app/environment.js';
import { DriftgateOctokit } from './github/octokit.js';
import { createJobLayer, settingsFromEnv } from './jobs/create.js';
import { healthHandler } from './service/health.js';
import { readServiceSettings } from './service/options.js';

const settings = readServiceSettings(process.env);
if (!settings.appId || !settings.privateKey)
  throw new Error('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required: see docs/install.md');
const ProbotWithSettings = Probot.defaults({
  appId: settings.appId,
  privateKey: settings.privateKey,
  secret: settings.secret,
  baseUrl: settings.baseUrl,
  // Probot shares Octokit's throttling between instances through Redis (Bottleneck).
  redisConfig: settings.redisUrl,
  logLevel: settings.logLevel as 'info',
  logFormat: settings.logFormat,
  Octokit: DriftgateOctokit,
});
const probot = new ProbotWithSettings();
// Probot sets up its logger (and Octokit) in ready().
await probot.ready();
const jobs = createJobLayer(settingsFromEnv(process.env, probot.log));
const concurrency = workerConcurrency(process.env);
// The key of driftgate's hidden records: every instance must have the same one.
const environment = appEnvironmentFrom(process.env);
const runsWorkers = settings.process !== 'web';
const health = healthHandler({ jobs, probot, process: settings.process });

let close: () => Promise<void>;
if (settings.process === 'worker') {
  jobs.start(jobHandler(probot, jobs, environment), { concurrency });
  const http = createServer((request, response) => {
    void health(request, response).then((handled) => {
      if (handled) return;
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(settings.port, settings.host, resolve));
  close = () => new Promise((resolve) => http.close(() => resolve()));
} else {
  const server = new Server({
    Probot: ProbotWithSettings,
    host: settings.host,
    port: settings.port,
    webhookPath: settings.webhookPath,
    log: probot.log,
  });
  await server.load((app, { addHandler }) => {
    addHandler(health);
    return createDriftgate({
      jobs,
      environment,
      worker: runsWorkers ? { concurrency } : false,
      targetedScanDelayMs: settings.targetedScanDelayMs,
    })(app, {
      cwd: process.cwd(),
      addHandler,
    });
  });
  await server.start();
  close = () => server.stop();
}
if (runsWorkers) {
  await jobs.ensureMaintenanceSchedules();
  // A fresh deployment has no schedules yet: build them now rather than at the daily repair.
  if ((await jobs.repositorySchedules()).length === 0)
    await jobs.enqueue({ kind: 'reconcile-schedules' });
}
probot.log.info(
  { process: settings.process, queue: jobs.mode, concurrency: runsWorkers ? concurrency : 0 },
  `driftgate ${settings.process} listening on ${settings.host}:${settings.port}`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  probot.log.info({ signal }, 'stopping: no new webhooks or jobs; finishing the jobs in hand');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), settings.shutdownTimeoutMs).unref(),
  );
  const done = (async () => {
    await close().catch(() => undefined);
    await jobs.stop();
    await jobs.close();
    return 'done' as const;
  })();
  const result = await Promise.race([done, timeout]);
  if (result === 'timeout')
    probot.log.warn({}, 'jobs still running at the shutdown timeout: another worker retakes them');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
