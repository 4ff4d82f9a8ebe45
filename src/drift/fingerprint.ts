/**
 * A drift's fingerprint: the same drift gives the same fingerprint on every run and
 * machine; any different live or recorded value gives a different one. It is computed
 * from the *masked* changes, so a sensitive value contributes only the fact that it
 * changed: hashing a secret would let anyone with the fingerprint test guesses of it.
 *
 * Set elements have no position, so the fingerprint never hashes a set index: a change
 * inside an element is keyed by the recorded element (`ingress[*].cidr_blocks` plus that
 * element), an added or removed element by the element itself.
 */
import { createHash } from 'node:crypto';
import { formatPath } from '../terraform/path.js';
import { canonicalJson } from './canonical.js';
import type { AttributeChange, DriftAction } from './model.js';

/**
 * A set element as an identity: lists inside it sorted (its `cidr_blocks` is a set too,
 * in whatever order state or the API listed it).
 */
function elementIdentity(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(elementIdentity).sort((a, b) => {
      const left = canonicalJson(a);
      const right = canonicalJson(b);
      return left < right ? -1 : left > right ? 1 : 0;
    });
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, elementIdentity(item)]),
    );
  }
  return value;
}

function fingerprintEntry(change: AttributeChange): Record<string, unknown> {
  const base = { recorded: change.recorded, live: change.live };
  if (change.setElement) {
    return {
      path: formatPath(change.path),
      recorded: elementIdentity(change.recorded),
      live: elementIdentity(change.live),
      set_element: change.setElement,
    };
  }
  if (change.element) {
    const at = change.element.path.length - 1;
    const path = change.path.map((segment, i) => (i === at ? '*' : segment));
    return { path: formatPath(path), ...base, element: elementIdentity(change.element.recorded) };
  }
  return { path: formatPath(change.path), ...base };
}

export function driftFingerprint(input: {
  stack: string;
  address: string;
  action: DriftAction;
  changes: readonly AttributeChange[];
}): string {
  const changes = input.changes
    .map((change) => {
      const entry = fingerprintEntry(change);
      return { entry, order: `${String(entry.path)}\u0000${canonicalJson(entry)}` };
    })
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(({ entry }) => entry);
  const material = canonicalJson({
    v: 1,
    stack: input.stack,
    address: input.address,
    action: input.action,
    changes,
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}
