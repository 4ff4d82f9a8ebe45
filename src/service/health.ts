/**
 * `/healthz` (the process answers), `/readyz` (Redis reachable and the app's credentials
 * accepted by GitHub; the GitHub answer is cached a minute so probes cost no quota) and
 * `/metrics` (Prometheus text), as a handler for Probot's server or a bare node:http one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { JobLayer } from '../jobs/job-layer.js';

export interface HealthOptions {
  jobs: JobLayer;
  probot: Probot;
  /** The process kind, shown on /healthz. */
  process: string;
  credentialsTtlMs?: number;
}

function send(response: ServerResponse, status: number, body: string, type = 'application/json') {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

export function healthHandler(options: HealthOptions) {
  const ttl = options.credentialsTtlMs ?? 60_000;
  let credentials: { ok: boolean; at: number; detail: string } | undefined;

  const checkCredentials = async () => {
    if (credentials && Date.now() - credentials.at < ttl) return credentials;
    try {
      const octokit = await options.probot.auth();
      const { data } = await octokit.request('GET /app');
      credentials = {
        ok: true,
        at: Date.now(),
        detail: `app ${data?.slug ?? data?.id ?? ''}`.trim(),
      };
    } catch (error) {
      const status = (error as { status?: number }).status;
      credentials = {
        ok: false,
        at: Date.now(),
        detail: status ? `GitHub answered ${status}` : 'GitHub unreachable',
      };
    }
    return credentials;
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET') return false;
    if (path === '/healthz') {
      send(response, 200, JSON.stringify({ status: 'ok', process: options.process }));
      return true;
    }
    if (path === '/readyz') {
      const [redis, github] = await Promise.all([options.jobs.ready(), checkCredentials()]);
      const ready = redis && github.ok;
      send(
        response,
        ready ? 200 : 503,
        JSON.stringify({
          status: ready ? 'ready' : 'not ready',
          queue: { mode: options.jobs.mode, reachable: redis },
          github: { credentials: github.ok, detail: github.detail },
        }),
      );
      return true;
    }
    if (path === '/metrics') {
      const registry = options.jobs.metrics.registry;
      send(response, 200, await registry.metrics(), registry.contentType);
      return true;
    }
    return false;
  };
}
