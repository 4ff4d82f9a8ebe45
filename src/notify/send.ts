/**
 * Delivery of one message to one target: a bounded timeout per attempt, retried with
 * exponential backoff on network errors, 429 and 5xx. The URL is a secret: it is never
 * logged, rendered or put in an error — failures name the target only.
 */
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from './sign.js';

export interface Delivery {
  /** The target's name (config), for logs. */
  name: string;
  url: string;
  body: string;
  /** The generic webhook's signing secret; Slack has none (its URL is the secret). */
  secret: string | undefined;
}

export interface SendOptions {
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
  now?: () => Date;
}

export type SendResult = { kind: 'sent'; attempts: number } | { kind: 'failed'; reason: string };

/** HTTPS only; plain HTTP is allowed to the loopback interface alone (local relays, tests). */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname))
    return undefined;
  return 'not an https:// URL';
}

export async function sendMessage(
  delivery: Delivery,
  options: SendOptions = {},
): Promise<SendResult> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const backoffMs = options.backoffMs ?? 500;
  const problem = urlProblem(delivery.url);
  if (problem) return { kind: 'failed', reason: `the URL of ${delivery.name} is ${problem}` };
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1)
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 2)));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'driftgate',
    };
    if (delivery.secret !== undefined) {
      const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
      headers[TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signBody(delivery.secret, timestamp, delivery.body);
    }
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { kind: 'sent', attempts: attempt };
      reason = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      // The error's name only: undici's messages and causes can carry the host and path.
      reason =
        (error as { name?: string }).name === 'TimeoutError'
          ? `no answer in ${timeoutMs} ms`
          : 'connection failed';
    }
  }
  return { kind: 'failed', reason };
}
