/**
 * Where the HCL grammar's WebAssembly is: in its package. The Action's bundle replaces this
 * module (scripts/build-action.ts) with one that finds the file next to the bundle.
 */
import { createRequire } from 'node:module';

export function hclGrammarPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm');
}
