/**
 * A problem the user can fix: bad input, a refused action, an unreachable service.
 * The CLI prints `format()` and exits 1 without a stack trace; the app shows it in a
 * check run or comment. Messages must never quote secret values from the input.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

export class DriftgateError extends Error {
  readonly location: ErrorLocation;
  readonly hint: string | undefined;

  constructor(message: string, location: ErrorLocation = {}, hint?: string) {
    super(message);
    this.name = 'DriftgateError';
    this.location = location;
    this.hint = hint;
  }

  /** `file:line:column: message` (the shape compilers use, so editors can jump to it). */
  format(): string {
    const { file, line, column } = this.location;
    let where = file ?? '';
    if (file && line !== undefined) where += `:${line}`;
    if (file && line !== undefined && column !== undefined) where += `:${column}`;
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }
}

export function isDriftgateError(error: unknown): error is DriftgateError {
  return error instanceof DriftgateError;
}

/** The message of any thrown value, without its stack. */
export function describeError(error: unknown): string {
  if (error instanceof DriftgateError) return error.format();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `stacks[1].aws.role`: a path into parsed input (zod issue paths), for messages. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(top level)';
}
