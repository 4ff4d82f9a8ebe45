/**
 * The service benchmarks, against real `node dist/server.js` processes on a real Redis,
 * the fake GitHub over HTTP and moto:
 * - webhook intake: signed deliveries at a fixed rate → acknowledgement latency (p50/p99)
 *   and the jobs they led to;
 * - scans per minute with 1 and with 2 worker processes (one scan at a time each) over
 *   several repositories. Baseline: the 1-worker run.
 */
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { createJobLayer } from '../src/jobs/create.js';
import {
  sendWebhook,
  startDriftgate,
  type DriftgateProcess,
} from '../test/support/driftgate-process.js';
import { FakeGitHub } from '../test/support/fake-github.js';
import { serveFakeGitHub } from '../test/support/fake-github-http.js';
import { startRedis } from '../test/support/redis-server.js';
import { securityGroup, v4State } from '../test/support/state-builder.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

function dispatchPayload(owner: string, repo: string) {
  return {
    action: 'driftgate-scan',
    branch: 'main',
    client_payload: {},
    repository: {
      id: 1,
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: { login: owner },
      default_branch: 'main',
    },
    installation: { id: 375706, node_id: 'MDIz' },
    sender: { login: 'octocat', id: 1, type: 'User' },
  };
}

async function scrape(instances: DriftgateProcess[], metric: RegExp): Promise<number> {
  let total = 0;
  for (const instance of instances) {
    const text = await (await fetch(`${instance.url}/metrics`)).text();
    for (const line of text.split('\n'))
      if (metric.test(line)) total += Number(line.split(' ').pop());
  }
  return total;
}

export interface ServiceBench {
  intake: {
    rate: number;
    seconds: number;
    sent: number;
    ok: number;
    p50: number;
    p99: number;
    max: number;
    jobsCompleted: number;
  };
  scans: { workers: number; scans: number; ms: number; perMinute: number }[];
}

export async function benchService(
  motoEndpoint: string,
  seconds: number,
  rate = 50,
): Promise<ServiceBench> {
  const redis = await startRedis();
  const fakes: FakeGitHub[] = [];
  const ec2 = new EC2Client({
    endpoint: motoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const repositories = Array.from({ length: 6 }, (_, index) => `stack-${index}`);
  for (const repo of repositories) {
    const github = new FakeGitHub('acme', repo, 'main');
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: `web-${vpcId}`,
          Description: 'Web tier',
          VpcId: vpcId,
        }),
      )
    ).GroupId!;
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': `stacks:\n  - name: net\n    dir: envs/net\n    state: envs/net/terraform.tfstate\n    aws:\n      region: us-east-1\nattribution:\n  source: off\n`,
        'envs/net/web.tf': `resource "aws_security_group" "web" {\n  name        = "web-${vpcId}"\n  description = "Web tier"\n  vpc_id      = "${vpcId}"\n\n  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`,
        'envs/net/terraform.tfstate': v4State([
          securityGroup('web', {
            id: groupId,
            name: `web-${vpcId}`,
            description: 'Web tier',
            vpcId,
            ownerId,
            ingress: [],
            egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
          }),
        ]),
      },
      'main',
    );
    github.install();
    fakes.push(github);
  }
  // The intake's repository: installed, but without a driftgate config.
  const bare = new FakeGitHub('acme', 'no-config', 'main');
  bare.commit(undefined, { 'README.md': 'no driftgate here\n' }, 'main');
  bare.install();
  fakes.push(bare);
  const server = await serveFakeGitHub();
  const processes: DriftgateProcess[] = [];
  const env = (prefix: string) => ({
    REDIS_URL: redis.url,
    DRIFTGATE_REDIS_PREFIX: prefix,
    GHE_HOST: server.host,
    GHE_PROTOCOL: 'http',
    AWS_ENDPOINT_URL: motoEndpoint,
    LOG_LEVEL: 'warn',
  });
  try {
    // Intake: one web+worker process, deliveries for a repository without a config (each
    // scan job ends after reading it), so the figure is intake, not scanning.
    const intakeServer = await startDriftgate('intake', {
      ...env('bench-intake'),
      DRIFTGATE_PROCESS: 'all',
    });
    processes.push(intakeServer);
    const latencies: number[] = [];
    let ok = 0;
    const pending: Promise<void>[] = [];
    const total = seconds * rate;
    const started = performance.now();
    for (let index = 0; index < total; index++) {
      const due = started + (index * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(
        sendWebhook(
          intakeServer.url,
          'repository_dispatch',
          randomUUID(),
          dispatchPayload('acme', 'no-config'),
        ).then(({ status, ms }) => {
          latencies.push(ms);
          if (status === 200) ok++;
        }),
      );
    }
    await Promise.all(pending);
    const intakeJobs = createJobLayer({ redisUrl: redis.url, prefix: 'bench-intake', log: quiet });
    await intakeJobs.settled(120_000).catch(() => undefined);
    await intakeJobs.close();
    const jobsCompleted = await scrape(
      [intakeServer],
      /^driftgate_jobs_finished_total\{.*result="completed"/,
    );
    await intakeServer.stop();

    const scans: ServiceBench['scans'] = [];
    for (const workers of [1, 2]) {
      const prefix = `bench-scan-${workers}`;
      const web = await startDriftgate('web', { ...env(prefix), DRIFTGATE_PROCESS: 'web' });
      const pool = [web];
      for (let index = 0; index < workers; index++)
        pool.push(
          await startDriftgate(`worker-${index}`, {
            ...env(prefix),
            DRIFTGATE_PROCESS: 'worker',
            DRIFTGATE_WORKER_CONCURRENCY: '1',
          }),
        );
      processes.push(...pool);
      const observer = createJobLayer({ redisUrl: redis.url, prefix, log: quiet });
      const rounds = 3;
      const begin = performance.now();
      for (let round = 0; round < rounds; round++) {
        for (const repo of repositories)
          await sendWebhook(
            web.url,
            'repository_dispatch',
            randomUUID(),
            dispatchPayload('acme', repo),
          );
        await observer.settled(300_000);
      }
      const ms = performance.now() - begin;
      await observer.close();
      const count = await scrape(pool.slice(1), /^driftgate_scans_total\{result="ok"\}/);
      scans.push({ workers, scans: count, ms, perMinute: (count / ms) * 60_000 });
      for (const instance of pool) await instance.stop();
    }
    return {
      intake: {
        rate,
        seconds,
        sent: total,
        ok,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: Math.max(...latencies),
        jobsCompleted,
      },
      scans,
    };
  } finally {
    for (const instance of processes) await instance.kill9().catch(() => undefined);
    await server.close();
    await redis.stop();
    // Last: a request the fake had no route for fails the run here, after the cleanup.
    for (const github of fakes) github.uninstall();
  }
}
