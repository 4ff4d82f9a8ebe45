import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  metadataKeyFromEnvironment,
  metadataKeyFromSecret,
  parseHidden,
  readHidden,
  renderHidden,
  replaceHidden,
} from '../../src/github/hidden-json.js';

const schema = z.object({ v: z.literal(1), tier: z.number() });
const key = metadataKeyFromSecret('a key for tests, long enough');
const otherKey = metadataKeyFromSecret('somebody else entirely');

function forged(value: unknown): string {
  return `<!-- driftgate:meta ${Buffer.from(JSON.stringify(value)).toString('base64')} -->`;
}

describe('hidden records', () => {
  it('read back what was written with the same key', () => {
    const body = `text\n${renderHidden(key, 'meta', { v: 1, tier: 2 })}`;
    expect(readHidden(key, body, 'meta', schema)).toEqual({
      kind: 'valid',
      value: { v: 1, tier: 2 },
    });
  });

  it('a record without a MAC (the old format, or a forgery) is rejected and reported', () => {
    const rejected: string[] = [];
    const body = `text\n${forged({ v: 1, tier: 1 })}`;
    expect(
      parseHidden(
        { key, onRejected: (tag, reason) => rejected.push(`${tag}: ${reason}`) },
        body,
        'meta',
        schema,
      ),
    ).toBeUndefined();
    expect(rejected).toEqual(['meta: no MAC (not written by this driftgate)']);
  });

  it("an edited payload, a record signed with another key, or another tag's MAC is rejected", () => {
    const genuine = renderHidden(key, 'meta', { v: 1, tier: 2 });
    const [, payload, mac] = /driftgate:meta (\S+) (\S+)/.exec(genuine)!;
    const edited = genuine.replace(payload!, Buffer.from('{"v":1,"tier":1}').toString('base64'));
    expect(readHidden(key, edited, 'meta', schema)).toEqual({
      kind: 'rejected',
      reason: 'MAC mismatch (edited, forged, or another key)',
    });
    expect(
      readHidden(key, renderHidden(otherKey, 'meta', { v: 1, tier: 2 }), 'meta', schema).kind,
    ).toBe('rejected');
    // The dashboard's MAC does not vouch for the same bytes under the `meta` tag.
    const dashboard = renderHidden(key, 'dashboard', { v: 1, tier: 2 });
    expect(
      readHidden(key, dashboard.replace('driftgate:dashboard', 'driftgate:meta'), 'meta', schema)
        .kind,
    ).toBe('rejected');
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('only the last record counts: a genuine record followed by anything else reads as none', () => {
    const genuine = renderHidden(key, 'meta', { v: 1, tier: 2 });
    expect(readHidden(key, `${genuine}\n${forged({ v: 1, tier: 1 })}`, 'meta', schema).kind).toBe(
      'rejected',
    );
    // A forged record before driftgate's own is never read.
    expect(readHidden(key, `${forged({ v: 1, tier: 1 })}\n${genuine}`, 'meta', schema)).toEqual({
      kind: 'valid',
      value: { v: 1, tier: 2 },
    });
  });

  it('replacing a record drops every other record of the tag and appends the fresh one last', () => {
    const body = `intro ${forged({ v: 1, tier: 1 })}\nmore\n${renderHidden(key, 'meta', { v: 1, tier: 3 })}`;
    const next = replaceHidden(key, body, 'meta', { v: 1, tier: 2 });
    expect(next.match(/driftgate:meta/g)).toHaveLength(1);
    expect(next.startsWith('intro \nmore')).toBe(true);
    expect(readHidden(key, next, 'meta', schema)).toEqual({
      kind: 'valid',
      value: { v: 1, tier: 2 },
    });
  });

  it('the key comes from DRIFTGATE_METADATA_KEY, else WEBHOOK_SECRET; neither, or a short one, is an error', () => {
    const signed = (env: NodeJS.ProcessEnv) =>
      renderHidden(metadataKeyFromEnvironment(env), 'meta', 1);
    expect(signed({ DRIFTGATE_METADATA_KEY: 'x'.repeat(32), WEBHOOK_SECRET: 'hook secret' })).toBe(
      renderHidden(metadataKeyFromSecret('x'.repeat(32)), 'meta', 1),
    );
    expect(signed({ WEBHOOK_SECRET: 'hook secret' })).toBe(
      renderHidden(metadataKeyFromSecret('hook secret'), 'meta', 1),
    );
    expect(() => metadataKeyFromEnvironment({})).toThrow(
      'no key for driftgate metadata: set DRIFTGATE_METADATA_KEY (or WEBHOOK_SECRET, from which it is derived)',
    );
    expect(() => metadataKeyFromEnvironment({ DRIFTGATE_METADATA_KEY: 'short' })).toThrow(
      'DRIFTGATE_METADATA_KEY is 5 characters: use at least 16',
    );
  });
});
