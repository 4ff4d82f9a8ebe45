/**
 * Where driftgate's default policy bundle is, from src/policy-engine or dist/policy-engine.
 * The Action's bundle replaces this module (scripts/build-action.ts): there the wasm sits
 * next to the bundle.
 */
export const DEFAULT_BUNDLE_URL = new URL('../../policies/dist/policy.wasm', import.meta.url);
