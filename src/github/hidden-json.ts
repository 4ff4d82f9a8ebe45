/**
 * Typed data hidden in a GitHub body (`<!-- driftgate:<tag> base64(JSON) mac -->`): GitHub is
 * driftgate's database, and this is how a PR or issue carries its own record.
 *
 * Anyone who can edit a body (or get a string into one) could write such a comment, so a
 * record is authenticated: `mac` is HMAC-SHA256, keyed with the app's metadata key, over the
 * tag and the exact base64 payload. Only the last record of a tag in a body is read (driftgate
 * writes its record last); a record without a valid MAC is ignored and reported through
 * `onRejected`, never thrown. Renderers escape every value (src/report/markdown.ts), so no
 * string from the cloud or a plan can produce a comment here in the first place.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { DriftgateError } from '../errors.js';

/** The app's secret for hidden records. Only `metadataKeyFrom*` make one. */
export interface MetadataKey {
  readonly bytes: Buffer;
}

/** What a reader needs: the key, and where a rejected record is reported (a log line). */
export interface RecordReader {
  readonly key: MetadataKey;
  readonly onRejected?: ((tag: string, reason: string) => void) | undefined;
}

const HKDF_INFO = 'driftgate hidden records v1';
/** A key shorter than this is refused: it could be guessed offline from one signed record. */
const MIN_SECRET_LENGTH = 16;

/** Derive the key from a secret (HKDF-SHA256, so any secret's length and alphabet work). */
export function metadataKeyFromSecret(secret: string): MetadataKey {
  const derived = hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'driftgate', HKDF_INFO, 32);
  return { bytes: Buffer.from(derived) };
}

/**
 * The app's key: `DRIFTGATE_METADATA_KEY` when set, else derived from Probot's
 * `WEBHOOK_SECRET`. Neither set is a startup error: unauthenticated records are never read.
 */
export function metadataKeyFromEnvironment(env: NodeJS.ProcessEnv): MetadataKey {
  const own = env.DRIFTGATE_METADATA_KEY;
  if (own !== undefined && own !== '') {
    if (own.length < MIN_SECRET_LENGTH)
      throw new DriftgateError(
        `DRIFTGATE_METADATA_KEY is ${own.length} characters: use at least ${MIN_SECRET_LENGTH} (e.g. \`openssl rand -hex 32\`)`,
      );
    return metadataKeyFromSecret(own);
  }
  const webhook = env.WEBHOOK_SECRET;
  if (webhook !== undefined && webhook !== '') return metadataKeyFromSecret(webhook);
  throw new DriftgateError(
    'no key for driftgate metadata: set DRIFTGATE_METADATA_KEY (or WEBHOOK_SECRET, from which it is derived)',
  );
}

function recordPattern(tag: string): RegExp {
  return new RegExp(`<!-- driftgate:${tag} ([A-Za-z0-9+/=]+)(?: ([A-Za-z0-9_-]+))? -->`, 'g');
}

function mac(key: MetadataKey, tag: string, payload: string): string {
  return createHmac('sha256', key.bytes)
    .update(`driftgate:${tag}\n${payload}`, 'utf8')
    .digest('base64url');
}

export function renderHidden(key: MetadataKey, tag: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64');
  return `<!-- driftgate:${tag} ${payload} ${mac(key, tag, payload)} -->`;
}

function lastRecord(body: string, tag: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of body.matchAll(recordPattern(tag))) last = match;
  return last;
}

export type HiddenRecord<T> =
  { kind: 'absent' } | { kind: 'rejected'; reason: string } | { kind: 'valid'; value: T };

/** The body's record of `tag`, with why it was rejected when it was. */
export function readHidden<T>(
  key: MetadataKey,
  body: string | null | undefined,
  tag: string,
  schema: z.ZodType<T>,
): HiddenRecord<T> {
  const match = lastRecord(body ?? '', tag);
  if (!match) return { kind: 'absent' };
  const [, payload, given] = match as unknown as [string, string, string | undefined];
  if (!given) return { kind: 'rejected', reason: 'no MAC (not written by this driftgate)' };
  const expected = Buffer.from(mac(key, tag, payload));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { kind: 'rejected', reason: 'MAC mismatch (edited, forged, or another key)' };
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(payload, 'base64').toString('utf8')));
    return parsed.success
      ? { kind: 'valid', value: parsed.data }
      : { kind: 'rejected', reason: 'authentic but not of the expected shape' };
  } catch {
    return { kind: 'rejected', reason: 'authentic but not JSON' };
  }
}

/** The body's authentic record of `tag`, or undefined (a rejected one is reported). */
export function parseHidden<T>(
  reader: RecordReader,
  body: string | null | undefined,
  tag: string,
  schema: z.ZodType<T>,
): T | undefined {
  const record = readHidden(reader.key, body, tag, schema);
  if (record.kind === 'rejected') reader.onRejected?.(tag, record.reason);
  return record.kind === 'valid' ? record.value : undefined;
}

/** The body without any record of `tag` (driftgate's own or not). */
export function withoutHidden(body: string, tag: string): string {
  return body.replace(recordPattern(tag), '').replace(/\n+$/, '');
}

/** The body with every record of `tag` removed and a fresh one appended, last. */
export function replaceHidden(key: MetadataKey, body: string, tag: string, value: unknown): string {
  return `${withoutHidden(body, tag)}\n${renderHidden(key, tag, value)}`;
}
