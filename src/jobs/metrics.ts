/**
 * Prometheus metrics (prom-client), one registry per job layer (no module-level state):
 * `/metrics` serves it. Queue depths are read from the transport when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QUEUES, type QueueName } from './payloads.js';
import type { JobState, QueueTransport } from './transport.js';

export class Metrics {
  readonly registry = new Registry();
  readonly jobsFinished = new Counter({
    name: 'driftgate_jobs_finished_total',
    help: 'Jobs taken by this process, by queue, kind and result (completed, failed, retried, delayed).',
    labelNames: ['queue', 'kind', 'result'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'driftgate_job_duration_seconds',
    help: 'Time a handler ran, by queue and kind.',
    labelNames: ['queue', 'kind'],
    buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly scans = new Counter({
    name: 'driftgate_scans_total',
    help: 'Stack scans, by result (ok, error).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly drifts = new Counter({
    name: 'driftgate_drifts_found_total',
    help: 'Drifts found by scans, by tier and direction.',
    labelNames: ['tier', 'direction'],
    registers: [this.registry],
  });
  readonly pullRequests = new Counter({
    name: 'driftgate_pull_requests_total',
    help: 'Remediation pull requests by action (opened, updated, closed, deferred).',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly executions = new Counter({
    name: 'driftgate_executions_total',
    help: 'Merged remediations by outcome (applied, nothing-to-do, precheck-failed, rolled-back, …).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly githubCalls = new Counter({
    name: 'driftgate_github_requests_total',
    help: 'GitHub API requests made by workers, by method and status class.',
    labelNames: ['method', 'status'],
    registers: [this.registry],
  });
  readonly awsCalls = new Counter({
    name: 'driftgate_aws_calls_total',
    help: 'AWS API calls made by scans, by operation.',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: 'driftgate_rate_limit_waits_total',
    help: 'Waits for a shared rate limit, by limiter (cloudtrail, github).',
    labelNames: ['limiter'],
    registers: [this.registry],
  });
  readonly lockWaits = new Counter({
    name: 'driftgate_lock_waits_total',
    help: 'Jobs put back because their repository was locked by another job.',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'driftgate_webhook_deliveries_total',
    help: 'Webhook deliveries by result (enqueued, duplicate, ignored).',
    labelNames: ['event', 'result'],
    registers: [this.registry],
  });
  readonly breakerOpen = new Gauge({
    name: 'driftgate_breaker_open',
    help: 'Circuit breaker of a stack as this process last saw it change: 1 open, 0 closed.',
    labelNames: ['repository', 'stack'],
    registers: [this.registry],
  });
  readonly breakerTransitions = new Counter({
    name: 'driftgate_breaker_transitions_total',
    help: 'Circuit breakers opened (a failed verification or a rollback) and reset (/driftgate resume).',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly executionsWaiting = new Counter({
    name: 'driftgate_executions_waiting_total',
    help: 'Times an execution was put back to wait, by reason (stack-cap, installation-cap, breaker).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly flapping = new Counter({
    name: 'driftgate_flapping_drifts_total',
    help: 'Drifts found flapping by a scan (back again after executed reverts), counted per scan.',
    registers: [this.registry],
  });
  readonly notifications = new Counter({
    name: 'driftgate_notifications_total',
    help: 'Notification messages by kind (slack, webhook) and result (sent, failed, unconfigured, not-allowed).',
    labelNames: ['kind', 'result'],
    registers: [this.registry],
  });

  constructor(transport: QueueTransport) {
    collectDefaultMetrics({ register: this.registry, prefix: 'driftgate_process_' });
    new Gauge({
      name: 'driftgate_jobs',
      help: 'Jobs in each queue by state, as the queue engine reports them.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const all = await Promise.all(
          QUEUES.map(async (queue): Promise<[QueueName, Record<JobState, number>]> => [
            queue,
            await transport.counts(queue),
          ]),
        );
        this.reset();
        for (const [queue, counts] of all)
          for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
      },
    });
  }
}
