// Preloaded into a child process (`node --import ./test/support/import-trace/register.mjs …`):
// records the URL of every module the process imports, one a line, in $IMPORT_TRACE_FILE.
// The hooks see `import`; a package loaded with `require` (hcl2-parser) never passes them,
// so the CommonJS module cache is appended too when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

const commonJsCache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (!process.env.IMPORT_TRACE_FILE) return;
  const urls = Object.keys(commonJsCache).map((path) => pathToFileURL(path).href);
  if (urls.length > 0) appendFileSync(process.env.IMPORT_TRACE_FILE, `${urls.join('\n')}\n`);
});
