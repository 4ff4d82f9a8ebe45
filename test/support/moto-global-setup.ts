/**
 * Starts a moto server (a real AWS API emulator) on a free 127.0.0.1 port for the
 * moto-backed tests, or uses the one named by AWS_ENDPOINT_URL. Without moto the suite
 * is skipped with a loud notice, unless DRIFTGATE_REQUIRE_MOTO=1 (CI), where it fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const REQUIRED = process.env.DRIFTGATE_REQUIRE_MOTO === '1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForMoto(endpoint: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto did not answer at ${endpoint}: ${String(lastError)}`);
}

function motoCommand(): string | undefined {
  const candidate = process.env.MOTO_SERVER ?? 'moto_server';
  const probe = spawnSync(candidate, ['--help'], { stdio: 'ignore' });
  return probe.status === 0 ? candidate : undefined;
}

let child: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.AWS_ENDPOINT_URL;
  if (given) {
    await waitForMoto(given);
    project.provide('motoEndpoint', given);
    return async () => {};
  }
  const command = motoCommand();
  if (!command) {
    const notice =
      'moto-backed tests SKIPPED: no moto_server on PATH. Install it with `pip install "moto[server]"` ' +
      '(or set AWS_ENDPOINT_URL to a running moto) to run them.';
    if (REQUIRED) throw new Error(`DRIFTGATE_REQUIRE_MOTO=1 but ${notice}`);
    console.warn(`\n*** ${notice} ***\n`);
    project.provide('motoEndpoint', '');
    return async () => {};
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitForMoto(endpoint, child);
  project.provide('motoEndpoint', endpoint);
  return async () => {
    child?.kill('SIGTERM');
  };
}
