/** The server's settings from the environment (docs/deploy.md lists them). */
import { readFileSync } from 'node:fs';

export type ProcessKind = 'web' | 'worker' | 'all';

export interface ServiceSettings {
  process: ProcessKind;
  host: string;
  port: number;
  appId: number;
  privateKey: string | undefined;
  secret: string | undefined;
  baseUrl: string;
  redisUrl: string | undefined;
  webhookPath: string | undefined;
  logLevel: string;
  /** `json` (default in production, as Probot does) or `pretty`. */
  logFormat: 'json' | 'pretty';
  shutdownTimeoutMs: number;
  /** How long a targeted rescan waits for more events about the same resources. */
  targetedScanDelayMs: number;
}

export function readServiceSettings(env: NodeJS.ProcessEnv): ServiceSettings {
  const process = (env.DRIFTGATE_PROCESS ?? 'all') as ProcessKind;
  if (!['web', 'worker', 'all'].includes(process))
    throw new Error(`DRIFTGATE_PROCESS must be web, worker or all, not "${env.DRIFTGATE_PROCESS}"`);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const privateKey =
    env.PRIVATE_KEY?.replace(/\\n/g, '\n') ||
    (env.PRIVATE_KEY_PATH ? readFileSync(env.PRIVATE_KEY_PATH, 'utf8') : undefined);
  return {
    process,
    host: env.HOST || '0.0.0.0',
    port,
    appId: Number(env.APP_ID),
    privateKey,
    secret: env.WEBHOOK_SECRET,
    baseUrl: env.GHE_HOST
      ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3`
      : 'https://api.github.com',
    redisUrl: env.REDIS_URL || undefined,
    webhookPath: env.WEBHOOK_PATH || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    logFormat:
      env.LOG_FORMAT === 'json' || (!env.LOG_FORMAT && env.NODE_ENV === 'production')
        ? 'json'
        : 'pretty',
    shutdownTimeoutMs: Number(env.DRIFTGATE_SHUTDOWN_TIMEOUT_MS ?? 25_000),
    targetedScanDelayMs: Number(env.DRIFTGATE_TARGETED_SCAN_DELAY_MS ?? 5_000),
  };
}
