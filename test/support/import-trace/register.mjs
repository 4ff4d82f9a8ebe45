// Preloaded into a child process (`node --import ./test/support/import-trace/register.mjs …`):
// records the URL of every module the process imports, one a line, in $IMPORT_TRACE_FILE.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
