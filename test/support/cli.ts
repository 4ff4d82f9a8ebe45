/** Capture what the CLI writes, for in-process CLI tests. */
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

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

/**
 * Run the CLI in-process, answering "yes" to every confirmation (as `--yes` would), and
 * return its exit code and output.
 */
export async function runCliConfirmed(
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(args, io, async () => true);
  return { code, out: io.out(), err: io.err() };
}
