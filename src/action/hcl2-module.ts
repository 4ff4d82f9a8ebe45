/**
 * In the Action, HashiCorp's parser is a file beside the bundle, not bundled
 * (dist-action/hcl2-parser.cjs, copied by scripts/build-action.ts; `.cjs` because the
 * repository's `.js` files are ES modules): a worker thread requires it by path
 * (src/terraform/hashicorp-thread.ts), and the main thread loads it only if it needs it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Hcl2Module } from '../terraform/hcl2-module.js';

export type { Hcl2Module };

export function hcl2ModulePath(): string {
  return fileURLToPath(new URL('./hcl2-parser.cjs', import.meta.url));
}

export function loadHcl2(): Hcl2Module {
  return createRequire(import.meta.url)(hcl2ModulePath()) as Hcl2Module;
}
