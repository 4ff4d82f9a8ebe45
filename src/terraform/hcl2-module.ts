/**
 * Where HashiCorp's parser is, and loading it. Loaded with `require`, not `import`: it is a
 * 3.8 MB CommonJS file, and importing it from ESM makes Node scan it twice more
 * (module-format detection and the CommonJS export lexer), which doubled its load time.
 * Loaded on first use, not on import: it takes ~0.3 s, and codify runs it on a worker
 * thread (hashicorp-thread.ts), so the main thread of a codify never loads it. The
 * Action's bundle replaces this module (scripts/build-action.ts) with one that finds the
 * file beside the bundle.
 */
import { createRequire } from 'node:module';

export type Hcl2Module = typeof import('hcl2-parser');

const require = createRequire(import.meta.url);

/** The path of hcl2-parser's main file, for a worker thread to require. */
export function hcl2ModulePath(): string {
  return require.resolve('hcl2-parser');
}

/** HashiCorp's parser on this thread (Node's module cache keeps the one instance). */
export function loadHcl2(): Hcl2Module {
  return require('hcl2-parser') as Hcl2Module;
}
