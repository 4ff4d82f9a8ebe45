// Bundles the GitHub Action (src/action/main.ts) into dist-action/ with esbuild:
// `npm run build:action`. The bundle is committed: an action runs without `npm install`.
// Next to it: the WebAssembly web-tree-sitter and the HCL grammar load at run time, and
// HashiCorp's parser (required by path on a worker thread).
// `npm run build:action -- --check` rebuilds in a temporary directory and fails when the
// committed files differ (CI runs it).
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = join(root, 'dist-action');
const check = process.argv.includes('--check');
const out = check ? await mkdtemp(join(tmpdir(), 'driftgate-action-')) : committed;

await rm(join(out, 'index.js'), { force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src/action/main.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'eof',
  minify: true,
  logLevel: 'warning',
  // CommonJS dependencies (the AWS SDK, hcl2-parser) call require() for Node's modules.
  banner: {
    js: "import { createRequire as __driftgateCreateRequire } from 'node:module'; const require = __driftgateCreateRequire(import.meta.url);",
  },
  plugins: [
    {
      // The grammar's path is the bundle's directory, not a package's.
      name: 'hcl-grammar-beside-the-bundle',
      setup(context) {
        // Modules that find files or packages at run time, swapped for the bundle's own.
        const swaps: [RegExp, string, string][] = [
          [
            /\/hcl-grammar-path\.js$/,
            'src/terraform/hcl-syntax.ts',
            'src/action/hcl-grammar-path.ts',
          ],
          [/\/hcl2-module\.js$/, 'src/terraform/hashicorp-parser.ts', 'src/action/hcl2-module.ts'],
          [/\/hcl2-module\.js$/, 'src/terraform/hashicorp-thread.ts', 'src/action/hcl2-module.ts'],
          [/\/bundle-path\.js$/, 'src/policy-engine/engine.ts', 'src/action/policy-bundle-path.ts'],
        ];
        for (const [filter, importer, replacement] of swaps) {
          context.onResolve({ filter }, (args) =>
            args.importer.endsWith(join(...importer.split('/')))
              ? { path: join(root, replacement) }
              : undefined,
          );
        }
      },
    },
  ],
});
await copyFile(
  join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
  join(out, 'tree-sitter.wasm'),
);
await copyFile(
  join(root, 'node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'),
  join(out, 'tree-sitter-hcl.wasm'),
);
await copyFile(join(root, 'policies/dist/policy.wasm'), join(out, 'policy.wasm'));
// HashiCorp's parser is required by path, on a worker thread (src/action/hcl2-module.ts).
await copyFile(join(root, 'node_modules/hcl2-parser/dist/index.js'), join(out, 'hcl2-parser.cjs'));
await copyFile(join(root, 'node_modules/hcl2-parser/LICENSE'), join(out, 'hcl2-parser.LICENSE'));

if (check) {
  const names = (await readdir(out)).sort();
  const stale: string[] = [];
  for (const name of names) {
    const fresh = await readFile(join(out, name));
    const kept = await readFile(join(committed, name)).catch(() => undefined);
    if (!kept || !kept.equals(fresh)) stale.push(`dist-action/${name}`);
  }
  await rm(out, { recursive: true, force: true });
  if (stale.length) {
    console.error(
      `the committed Action bundle is not what the sources build: ${stale.join(', ')}\nrun npm run build:action and commit dist-action/`,
    );
    process.exit(1);
  }
  console.log('dist-action/ is what the sources build');
} else console.log('wrote dist-action/');
