/**
 * HashiCorp's parser as a module. Loaded with `require`, not `import`: it is a 3.8 MB
 * CommonJS file, and importing it from ESM makes Node scan it twice more (module-format
 * detection and the CommonJS export lexer), which doubled its load time — the largest part
 * of a short codify's start-up. The Action's bundle replaces this module
 * (scripts/build-action.ts) with a plain import that esbuild can bundle.
 */
import { createRequire } from 'node:module';

const hcl2 = createRequire(import.meta.url)('hcl2-parser') as typeof import('hcl2-parser');

export default hcl2;
