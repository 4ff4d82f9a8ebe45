/**
 * Typed data hidden in a GitHub body (`<!-- driftgate:<tag> base64(JSON) -->`): GitHub is
 * driftgate's database, and this is how a PR or issue carries its own record. Parsing is
 * forgiving — an edited or foreign body yields undefined, never a throw.
 */
import type { z } from 'zod';

function pattern(tag: string): RegExp {
  return new RegExp(`<!-- driftgate:${tag} ([A-Za-z0-9+/=]+) -->`);
}

export function renderHidden(tag: string, value: unknown): string {
  return `<!-- driftgate:${tag} ${Buffer.from(JSON.stringify(value)).toString('base64')} -->`;
}

export function parseHidden<T>(
  body: string | null | undefined,
  tag: string,
  schema: z.ZodType<T>,
): T | undefined {
  const match = pattern(tag).exec(body ?? '');
  if (!match) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The body with its hidden record replaced (or appended). */
export function replaceHidden(body: string, tag: string, value: unknown): string {
  const re = pattern(tag);
  return re.test(body)
    ? body.replace(re, renderHidden(tag, value))
    : `${body}\n${renderHidden(tag, value)}`;
}
