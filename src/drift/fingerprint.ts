/**
 * A drift's fingerprint: the same drift gives the same fingerprint on every run and
 * machine; any different live or recorded value gives a different one. It is computed
 * from the *masked* changes, so a sensitive value contributes only the fact that it
 * changed: hashing a secret would let anyone with the fingerprint test guesses of it.
 */
import { createHash } from 'node:crypto';
import { formatPath } from '../terraform/path.js';
import { canonicalJson } from './canonical.js';
import type { AttributeChange, DriftAction } from './model.js';

export function driftFingerprint(input: {
  stack: string;
  address: string;
  action: DriftAction;
  changes: readonly AttributeChange[];
}): string {
  const changes = input.changes
    .map((change) => ({
      path: formatPath(change.path),
      recorded: change.recorded,
      live: change.live,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const material = canonicalJson({
    v: 1,
    stack: input.stack,
    address: input.address,
    action: input.action,
    changes,
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}
