/**
 * Starts a moto server (a real AWS API emulator) on a free 127.0.0.1 port for the
 * moto-backed tests, or uses the one named by AWS_ENDPOINT_URL. Without moto the suite
 * is skipped with a loud notice, unless DRIFTGATE_REQUIRE_MOTO=1 (CI), where it fails.
 */
import type { TestProject } from 'vitest/node';
import { motoCommand, startMoto, waitForMoto, type RunningMoto } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const REQUIRED = process.env.DRIFTGATE_REQUIRE_MOTO === '1';

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
  const moto: RunningMoto = await startMoto(command);
  project.provide('motoEndpoint', moto.endpoint);
  return async () => moto.stop();
}
