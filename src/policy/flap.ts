/**
 * Flap detection, pure (docs/guardrails.md#flap-detection): a drift whose revert was
 * executed and that is back with the same changes (the same fingerprint) within the window,
 * `threshold` times, is flapping. Something keeps changing it — another controller, an AWS
 * service, a person — and reverting it again only starts the next round.
 */
import type { Attribution, Drift, Tier } from '../drift/model.js';

export const LABEL_FLAPPING = 'driftgate:flapping';

export interface FlapVerdict {
  /** Executed reverts of this very drift in the window: each was followed by its return. */
  returns: number;
  flapping: boolean;
  /** A flapping drift's PR is (re)opened no earlier than this (epoch ms). */
  reopenAfterMs: number | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * `executedAt`: times of the executed reverts of the drift in the window (oldest first), the
 * drift being live again now. At the threshold it is flapping and its PR opens at once; each
 * further return (someone merged a revert by hand) waits twice as long as the one before:
 * 1 h, 2 h, 4 h … after the last executed revert.
 */
export function flapVerdict(executedAt: readonly number[], threshold: number): FlapVerdict {
  const returns = executedAt.length;
  if (returns < threshold) return { returns, flapping: false, reopenAfterMs: undefined };
  const extra = returns - threshold;
  const last = executedAt.at(-1)!;
  return {
    returns,
    flapping: true,
    reopenAfterMs: extra === 0 ? undefined : last + HOUR_MS * 2 ** (extra - 1),
  };
}

/** A flapping drift: proposed as codify (a person may still choose), never tier 1. */
export function asFlapping(drift: Drift, verdict: FlapVerdict): Drift {
  const tier = Math.max(drift.tier ?? 2, 2) as Tier;
  return {
    ...drift,
    direction: 'codify',
    directionReason: `flapping: back ${verdict.returns} time(s) after executed reverts; reverting again would only start the next round`,
    tier,
    tierReason:
      tier > (drift.tier ?? 2) ? 'flapping: never merged automatically' : drift.tierReason,
  };
}

/** Distinct actors of the writes, newest first, as "who (type, via)". */
export function describeActors(writes: readonly Attribution[]): string[] {
  const seen = new Map<string, string>();
  for (const write of [...writes].sort((a, b) => (a.time < b.time ? 1 : -1))) {
    if (!seen.has(write.actor))
      seen.set(write.actor, `${write.actor} (${write.actorType}, ${write.via})`);
  }
  return [...seen.values()];
}
