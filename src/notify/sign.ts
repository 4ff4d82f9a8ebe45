/**
 * The generic webhook's signature: HMAC-SHA256 over `<timestamp>.<body>` with the target's
 * secret, sent as `X-Driftgate-Signature: sha256=<hex>` beside `X-Driftgate-Timestamp`
 * (Unix seconds). A receiver recomputes it and rejects old timestamps (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-driftgate-signature';
export const TIMESTAMP_HEADER = 'x-driftgate-timestamp';

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (documented, and used by the tests as a receiver would). */
export function verifySignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const time = Number(timestamp);
  if (!Number.isInteger(time) || Math.abs(nowSeconds - time) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, time, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
