/**
 * Start and stop a real redis-server (Debian's package) on a free 127.0.0.1 port, with its
 * data in a temporary directory; AOF on where a test restarts it. Tests, process-level
 * fault tests and benchmarks share this.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './moto-server.js';

export function redisCommand(): string | undefined {
  const candidate = process.env.REDIS_SERVER ?? 'redis-server';
  const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? candidate : undefined;
}

export async function waitForRedis(url: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis did not answer at ${url}`);
}

export interface RunningRedis {
  url: string;
  port: number;
  dir: string;
  /** kill -9 (no final save: only what AOF already holds survives). */
  kill(): Promise<void>;
  /** Start again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(
  command = redisCommand() ?? 'redis-server',
  options: { appendonly?: boolean } = {},
): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'driftgate-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
  ];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(command, args, { stdio: 'ignore' });
    await waitForRedis(url, child);
  };
  await launch();
  const exited = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  return {
    url,
    port,
    dir,
    async kill() {
      child.kill('SIGKILL');
      await exited();
    },
    restart: launch,
    async stop() {
      child.kill('SIGTERM');
      await exited();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
