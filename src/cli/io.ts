/**
 * What every command shares and nothing heavy: the output streams, the exit codes and the
 * confirmation prompt. Commands import these from here, never from `main.ts`, so the entry
 * point stays a thin loader and the command modules form no import circle with it.
 */
import { createInterface } from 'node:readline/promises';
import { DriftgateError } from '../errors.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;
/** `codify`: some drifts were refused (each listed with where a human must act). */
export const EXIT_REFUSED = 3;
/** `codify`: every drift was codified, and the policy engine flags what the patch writes. */
export const EXIT_POLICY = 4;

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

/** Ask on the terminal; refuse when there is no terminal and no --yes. */
export type Confirm = (question: string) => Promise<boolean>;

export const terminalConfirm: Confirm = async (question) => {
  if (!process.stdin.isTTY)
    throw new DriftgateError('not a terminal: pass --yes to apply without asking, or --dry-run');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
};
