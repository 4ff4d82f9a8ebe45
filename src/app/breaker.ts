/**
 * The circuit breaker of a stack. A failed verification or a rollback opens it; while it is
 * open driftgate executes nothing in the stack and self-merges no tier-1 PR there, until
 * someone with write access comments `/driftgate resume`.
 *
 * Its state is a file in git, `.driftgate/breaker/<stack>.yml` on the default branch, next
 * to the ledger: every instance reads the same thing, a restart (or losing Redis) cannot
 * close it, and `git log` shows who opened and who reset it. A file driftgate cannot read
 * counts as open: a breaker fails closed.
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { describeError } from '../errors.js';
import type { GitHubRepository } from '../github/repository.js';
import { renderTrailers } from '../remediation/ledger.js';

export const breakerPath = (stack: string): string => `.driftgate/breaker/${stack}.yml`;

const eventSchema = z.object({
  state: z.enum(['open', 'closed']),
  at: z.string(),
  /** open: what failed; closed: the command. */
  cause: z.string(),
  pull_request: z.number().int().positive().optional(),
  /** closed: who commented `/driftgate resume`. */
  by: z.string().optional(),
});

const breakerFileSchema = z.object({
  driftgate: z.literal(1),
  stack: z.string(),
  state: z.enum(['open', 'closed']),
  /** Newest last: every opening and reset, for the audit trail. */
  history: z.array(eventSchema),
});

export type BreakerEvent = z.infer<typeof eventSchema>;
export type BreakerFile = z.infer<typeof breakerFileSchema>;

export type BreakerState =
  | { state: 'closed'; last: BreakerEvent | undefined }
  | { state: 'open'; since: string; cause: string; pullRequest: number | undefined };

/** Pure: the state a breaker file says (an unreadable file is an open breaker). */
export function breakerStateOf(text: string | undefined, path: string): BreakerState {
  if (text === undefined) return { state: 'closed', last: undefined };
  let parsed: ReturnType<typeof breakerFileSchema.safeParse>;
  try {
    parsed = breakerFileSchema.safeParse(parse(text, { maxAliasCount: 0 }));
  } catch {
    parsed = breakerFileSchema.safeParse(undefined);
  }
  if (!parsed.success)
    return {
      state: 'open',
      since: '(unknown)',
      cause: `${path} cannot be read; a breaker driftgate cannot read stays open`,
      pullRequest: undefined,
    };
  const last = parsed.data.history.at(-1);
  if (parsed.data.state === 'closed') return { state: 'closed', last };
  const opened = [...parsed.data.history].reverse().find((event) => event.state === 'open');
  return {
    state: 'open',
    since: opened?.at ?? '(unknown)',
    cause: opened?.cause ?? 'unknown',
    pullRequest: opened?.pull_request,
  };
}

/** Pure: the file after one more event. */
export function withBreakerEvent(
  text: string | undefined,
  stack: string,
  event: BreakerEvent,
): string {
  let history: BreakerEvent[] = [];
  try {
    const parsed = breakerFileSchema.safeParse(text ? parse(text, { maxAliasCount: 0 }) : {});
    if (parsed.success) history = parsed.data.history;
  } catch {
    // An unreadable file is replaced; git keeps what it said.
  }
  const file: BreakerFile = {
    driftgate: 1,
    stack,
    state: event.state,
    history: [...history, event].slice(-50),
  };
  return stringify(file);
}

export async function readBreaker(github: GitHubRepository, stack: string): Promise<BreakerState> {
  const path = breakerPath(stack);
  return breakerStateOf(await github.readFile(path), path);
}

/**
 * Record a breaker event on the default branch. Returns a note when the commit was refused
 * (a protected branch): the caller says so where people look.
 */
export async function recordBreakerEvent(
  github: GitHubRepository,
  stack: string,
  event: BreakerEvent,
): Promise<string | undefined> {
  const path = breakerPath(stack);
  try {
    const current = await github.readFile(path);
    await github.commitToDefaultBranch(
      [{ path, content: withBreakerEvent(current, stack, event) }],
      `driftgate: circuit breaker of ${stack} ${event.state === 'open' ? 'opened' : 'reset'}\n\n${renderTrailers(
        [
          ['Drift-Stack', stack],
          ['Drift-Breaker', event.state],
          ['Drift-Breaker-Cause', event.cause],
          ...(event.by ? ([['Drift-Breaker-Reset-By', event.by]] as [string, string][]) : []),
        ],
      )}\n`,
    );
    return undefined;
  } catch (error) {
    return `the breaker could not be recorded in ${path} (${describeError(error)})`;
  }
}
