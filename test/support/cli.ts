/** Capture what the CLI writes, for in-process CLI tests. */
import type { CliIo } from '../../src/cli/io.js';

export function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    out: () => out,
    err: () => err,
  };
}
