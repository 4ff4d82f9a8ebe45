/** In the Action's bundle the HCL grammar's WebAssembly sits next to the bundle (dist-action/). */
import { fileURLToPath } from 'node:url';

export function hclGrammarPath(): string {
  return fileURLToPath(new URL('./tree-sitter-hcl.wasm', import.meta.url));
}
