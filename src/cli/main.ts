/**
 * The `driftgate` command. Exit codes follow Terraform's `-detailed-exitcode`:
 * 0 success / no drift, 1 error, 2 drift found (with --detailed-exitcode).
 * Errors print one readable message, never a stack trace.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { describeError, DriftgateError } from '../errors.js';
import { registerAuditCommands } from './audit.js';
import { registerCodifyCommand } from './codify.js';
import { registerRevertCommands, terminalConfirm, type Confirm } from './revert.js';
import { registerScanCommand } from './scan.js';
import { registerStateCommand } from './state.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;

/**
 * The process's stdout and stderr. A reader that goes away early (`driftgate scan | head -1`)
 * closes the pipe: writes then fail with EPIPE, asynchronously, as an 'error' event that
 * would otherwise crash the process with a stack trace. Like other command-line tools,
 * driftgate stops writing to a closed stream and says nothing; the command still finishes
 * and its exit code still says what happened.
 */
export function processIo(
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): CliIo {
  const writer = (stream: NodeJS.WritableStream) => {
    let closed = false;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
      else throw error;
    });
    return (text: string) => {
      if (!closed) stream.write(text);
    };
  };
  return { stdout: writer(streams.stdout), stderr: writer(streams.stderr) };
}

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
  registerScanCommand(program, io, setExitCode);
  registerCodifyCommand(program, io, setExitCode);
  registerStateCommand(program, io);
  registerRevertCommands(program, io, setExitCode, confirm);
  registerAuditCommands(program, io);
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

export const formatOption = () =>
  new Option('--format <format>', 'output format')
    .choices(['text', 'json', 'markdown'])
    .default('text');

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
