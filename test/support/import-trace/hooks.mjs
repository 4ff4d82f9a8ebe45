// Module hooks (run on the loader thread): append each resolved URL to $IMPORT_TRACE_FILE.
// A CommonJS package imported from ESM (the AWS SDK, hcl2-parser) passes here too.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.IMPORT_TRACE_FILE)
    appendFileSync(process.env.IMPORT_TRACE_FILE, `${resolved.url}\n`);
  return resolved;
}
