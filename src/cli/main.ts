/**
 * The `driftgate` command: a thin entry that builds the program from the command
 * definitions (cli/commands.ts) and runs it; each command loads its implementation when it
 * runs. Exit codes follow Terraform's `-detailed-exitcode`:
 * 0 success / no drift, 1 error, 2 drift found (with --detailed-exitcode).
 * Errors print one readable message, never a stack trace.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { describeError, DriftgateError } from '../errors.js';
import { registerCommands } from './commands.js';
import { EXIT_ERROR, EXIT_OK, processIo, terminalConfirm, type CliIo, type Confirm } from './io.js';

export function buildProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  confirm: Confirm = terminalConfirm,
): Command {
  const program = new Command('driftgate')
    .description('Find infrastructure drift and turn it into reviewable remediations.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  registerCommands(program, io, setExitCode, confirm);
  return program;
}

/** Run the CLI in-process; resolves to the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo(),
  confirm: Confirm = terminalConfirm,
): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    confirm,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    io.stderr(`driftgate: error: ${describeError(error)}\n`);
    if (!(error instanceof DriftgateError) && process.env.DRIFTGATE_DEBUG)
      io.stderr(`${(error as Error).stack}\n`);
    return EXIT_ERROR;
  }
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}
