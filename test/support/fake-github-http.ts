/**
 * The stateful fake GitHub (fake-github.ts) served over real HTTP, for process-level tests:
 * driftgate server processes reach it as GitHub Enterprise (`GHE_HOST=127.0.0.1:PORT`,
 * `GHE_PROTOCOL=http`, so paths arrive under /api/v3). Each request is replayed in this
 * process against the fake's routes (nock intercepts the replay), so the fake's logic is
 * the one every other test uses. The app-level routes a server needs besides — `GET /app`
 * (readiness) and the webhook deliveries (redelivery) — are answered here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDelivery {
  id: number;
  guid: string;
  status_code: number;
  delivered_at: string;
  redelivery: boolean;
  event: string;
}

export interface FakeGitHubServer {
  host: string;
  /** Deliveries GitHub would list for the app (for the redelivery job). */
  deliveries: FakeDelivery[];
  redeliveries: number[];
  close(): Promise<void>;
}

/** Serve the fake GitHub that is installed (FakeGitHub.install) in this process. */
export async function serveFakeGitHub(): Promise<FakeGitHubServer> {
  const deliveries: FakeDelivery[] = [];
  const redeliveries: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const path = (request.url ?? '/').replace(/^\/api\/v3/, '') || '/';
        const method = request.method ?? 'GET';
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        };
        if (method === 'GET' && path === '/app')
          return json(200, { id: 1, slug: 'driftgate', name: 'driftgate' });
        if (method === 'GET' && path.startsWith('/app/hook/deliveries'))
          return json(200, [...deliveries].reverse());
        const attempt = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(path);
        if (method === 'POST' && attempt) {
          redeliveries.push(Number(attempt[1]));
          return json(202, {});
        }
        try {
          const replay = await fetch(`https://api.github.com${path}`, {
            method,
            headers: {
              'content-type': request.headers['content-type'] ?? 'application/json',
              accept: request.headers.accept ?? 'application/vnd.github+json',
            },
            ...(chunks.length && method !== 'GET' ? { body: Buffer.concat(chunks) } : {}),
            redirect: 'manual',
          });
          const body = Buffer.from(await replay.arrayBuffer());
          const headers: Record<string, string> = {
            'content-type': replay.headers.get('content-type') ?? 'application/json',
          };
          for (const name of ['location', 'link'])
            if (replay.headers.get(name)) headers[name] = replay.headers.get(name)!;
          response.writeHead(replay.status, headers);
          response.end(body);
        } catch (error) {
          json(500, { message: `fake GitHub over HTTP: ${(error as Error).message}` });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    deliveries,
    redeliveries,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
