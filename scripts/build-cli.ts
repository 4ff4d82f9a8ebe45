// Bundles the CLI (src/cli/main.ts) into dist/cli-bundle/ with esbuild; `npm run build`
// runs it after tsc, and bin/driftgate.js runs the bundle.
//
// Why: a short command's start-up was mostly module loading. `state list` resolved, read
// and compiled ~260 files (zod alone is ~225, its locales included), which cost about as
// much as node's own start. Bundled, the modules a command needs are a few chunk files;
// commands still load lazily (`splitting`: each dynamic import of a command is its own
// chunk), so `--version` does not compile codify.
//
// Only small pure-JavaScript packages are inlined. The rest stay imports of node_modules:
// the AWS SDK (only the live scan loads it), web-tree-sitter (finds its WebAssembly beside
// its own module), hcl2-parser (required at run time, see src/terraform/hcl2-module.ts),
// the policy engine's WebAssembly runtime and stream-json.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const INLINED = new Set(['zod', 'commander', 'yaml', 'diff', 'cron-parser']);

const root = fileURLToPath(new URL('..', import.meta.url));
// Two levels below the root, like src/<dir>/ and dist/<dir>/: modules that find files
// relative to themselves (src/policy-engine/bundle-path.ts) find the same files.
const out = join(root, 'dist/cli-bundle');

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // CommonJS packages inlined here (commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __driftgateCreateRequire } from 'node:module'; const require = __driftgateCreateRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'inline-only-small-packages',
      setup(context) {
        context.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('node:') || !INLINED.has(packageOf(args.path))
            ? { path: args.path, external: true }
            : undefined,
        );
      },
    },
  ],
});
