/** A Drift with readable defaults, for tests of code that consumes drifts. */
import type { AttributeChange, Drift } from '../../src/drift/model.js';

export function aDrift(
  address: string,
  changes: Partial<AttributeChange>[],
  overrides: Partial<Drift> = {},
): Drift {
  return {
    stack: 's',
    address,
    type: address.replace(/^module\.[^.]+\./, '').split('.')[0]!,
    action: 'update',
    fingerprint: 'f',
    source: 'plan',
    attribution: null,
    tier: null,
    tierReason: null,
    direction: 'codify',
    directionReason: null,
    security: null,
    changes: changes.map((change) => ({
      path: [],
      recorded: null,
      live: null,
      sensitive: false,
      ...change,
    })),
    ...overrides,
  };
}
