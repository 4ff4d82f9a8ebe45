/** In the Action's bundle the default policy bundle sits next to it (dist-action/). */
export const DEFAULT_BUNDLE_URL = new URL('./policy.wasm', import.meta.url);
