import { createHash } from 'node:crypto';

/** A stable delay in [0, maxMs) for a repository, so repositories spread over the window. */
export function jitterFor(repository: string, maxMs: number): number {
  if (maxMs <= 0) return 0;
  return createHash('sha256').update(repository).digest().readUInt32BE(0) % maxMs;
}
