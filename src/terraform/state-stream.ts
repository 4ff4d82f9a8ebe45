/**
 * Streamed reading of a large local state file (above `STREAM_STATE_ABOVE_BYTES`, see
 * state-source.ts): the file is tokenized as it is read (stream-json), the header's fields
 * are assembled, and each element of `resources` is assembled, validated and reduced to
 * what the reader keeps (addresses, or instances) before the next one is read. Neither the
 * file's text nor its whole tree is ever in memory at once (docs/performance.md).
 *
 * It refuses what `parseStateJson` + `stateFromJson` refuse, with the same messages and in
 * the same order: invalid JSON first (anywhere in the file), then a document that is not
 * an object, then nesting deeper than the limit, then the header, then the first invalid
 * resource. So every refusal but a syntax error is held until the whole file is read.
 * Loaded only when a large file is read: `state list` of a small state never imports it.
 */
import { createReadStream } from 'node:fs';
import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { verifier, type VerifierError } from 'stream-json/utils/verifier.js';
import { DriftgateError } from '../errors.js';
import { MAX_JSON_DEPTH, tooDeepError } from '../input-limits.js';
import {
  stateAddressesFromJson,
  stateFromJson,
  v4AddressSink,
  v4HeaderOf,
  v4InstanceSink,
  v4StateOf,
  type TerraformState,
  type V4ResourceSink,
} from './state.js';

/** `state list` of a streamed file: the same addresses `stateAddressesFromJson` gives. */
export async function streamStateAddresses(path: string): Promise<string[]> {
  const read = await streamStateFile(path, () => v4AddressSink(path));
  if (!('version' in read.record)) return stateAddressesFromJson(read.record, path);
  v4HeaderOf(read.record, path);
  if (read.resourceError) throw read.resourceError;
  return read.sink?.result() ?? [];
}

/** The full state of a streamed file: the same instances `stateFromJson` gives. */
export async function streamState(path: string): Promise<TerraformState> {
  const read = await streamStateFile(path, () => v4InstanceSink(path));
  if (!('version' in read.record)) return stateFromJson(read.record, path);
  const header = v4HeaderOf(read.record, path);
  if (read.resourceError) throw read.resourceError;
  return v4StateOf(header, read.sink?.result() ?? []);
}

interface StreamedFile<T> {
  /** The top-level fields; `resources`, when an array, stands as `[]` (its elements went to `sink`). */
  record: Record<string, unknown>;
  sink: V4ResourceSink<T> | undefined;
  resourceError: DriftgateError | undefined;
}

async function streamStateFile<T>(
  path: string,
  newSink: () => V4ResourceSink<T>,
): Promise<StreamedFile<T>> {
  const reader = new StateTokenReader(newSink);
  // The bare tokenizer, called once per chunk: a token stream in object mode costs about
  // as much again as the tokenizing. 64 KiB chunks: each chunk's tokens live until it is
  // handled, and with 1 MiB chunks they outlive young-generation collections (peak 1.7×
  // the file's size at 100 MB instead of 1.2×; docs/performance.md).
  const tokenize = jsonParser({ streamValues: false });
  const feed = (text: string): boolean => {
    let tokens;
    try {
      tokens = tokenize(text) as unknown;
    } catch {
      return false;
    }
    const many = (tokens as { values?: Token[] }).values;
    if (many) for (const token of many) reader.token(token);
    return true;
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }))
      if (!feed(chunk as string)) throw await syntaxError(path);
  } catch (error) {
    if (error instanceof DriftgateError) throw error;
    throw new DriftgateError(
      `cannot read state: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file: path },
    );
  }
  // A space ends a number or literal the tokenizer still holds; the tokenizer is never
  // flushed, so whether the document ended is the reader's to say.
  if (!feed(' ') || !reader.complete) throw await syntaxError(path);
  if (reader.notObject)
    throw new DriftgateError('a Terraform state must be a JSON object', { file: path });
  if (reader.tooDeepAt) throw tooDeepError(reader.tooDeepAt, path);
  return { record: reader.record, sink: reader.sink, resourceError: reader.resourceError };
}

/** "not valid JSON (line L, column C)", from stream-json's verifier (it tracks positions). */
async function syntaxError(path: string): Promise<DriftgateError> {
  const position = await new Promise<string>((resolve) => {
    const check = verifier.asStream({ ignoreBOM: true });
    check.on('error', (error: VerifierError) => resolve(`line ${error.line}, column ${error.pos}`));
    check.on('finish', () => resolve('unexpected end or token'));
    check.resume();
    createReadStream(path, { encoding: 'utf8' }).pipe(check);
  });
  // Only the position is reported: the text itself may hold secrets.
  return new DriftgateError(`not valid JSON (${position})`, { file: path });
}

/**
 * The token handler: depth 1 is the state object, depth 2 its values (or `resources`'
 * elements); containers below are assembled by a stream-json Assembler. Never throws on
 * input: refusals are recorded and raised once the file has been read in full.
 */
class StateTokenReader<T> {
  readonly record: Record<string, unknown> = {};
  sink: V4ResourceSink<T> | undefined;
  resourceError: DriftgateError | undefined;
  notObject = false;
  /** Key path of the last container nested `MAX_JSON_DEPTH` deep, in document order. */
  tooDeepAt: PropertyKey[] | undefined;

  private depth = 0;
  private key = '';
  private inResources = false;
  private resourceIndex = 0;
  private value: DetachingAssembler | undefined;
  /** Where `value` sits: its top-level key, or `resources` and its index. */
  private valueAt: PropertyKey[] = [];

  constructor(private readonly newSink: () => V4ResourceSink<T>) {}

  /** The document's value has ended (an object or array closed, or a scalar read). */
  complete = false;
  private open = 0;

  token(token: Token): void {
    this.trackEnd(token);
    if (this.notObject) return;
    if (this.depth === 0) {
      if (token.name === 'startObject') this.depth = 1;
      else this.notObject = true;
      return;
    }
    if (this.value) return this.assemble(token);
    if (this.inResources) {
      if (token.name === 'endArray') {
        this.inResources = false;
        this.depth = 1;
      } else this.begin(token, ['resources', this.resourceIndex]);
      return;
    }
    if (token.name === 'keyValue') this.key = token.value;
    else if (token.name === 'endObject') this.depth = 0;
    else if (this.key === 'resources' && token.name === 'startArray') {
      // JSON.parse keeps the last of repeated keys: so does a fresh sink.
      this.depth = 2;
      this.inResources = true;
      this.resourceIndex = 0;
      this.sink = this.newSink();
      this.resourceError = undefined;
      this.set('resources', []);
    } else this.begin(token, [this.key]);
  }

  private trackEnd(token: Token): void {
    if (token.name === 'startObject' || token.name === 'startArray') this.open++;
    else if (token.name === 'endObject' || token.name === 'endArray') {
      if (--this.open === 0) this.complete = true;
    } else if (this.open === 0) this.complete = true;
  }

  /** A value starts: a scalar is done at once, a container is assembled token by token. */
  private begin(token: Token, at: PropertyKey[]): void {
    if (token.name === 'startObject' || token.name === 'startArray') {
      this.value = new DetachingAssembler();
      this.valueAt = at;
      this.assemble(token);
    } else this.done(scalar(token));
  }

  private assemble(token: Token): void {
    const value = this.value!;
    if (token.name === 'startObject' || token.name === 'startArray') {
      this.depth++;
      value.consume(token);
      // assertJsonDepth counts the state object as depth 0 and names the last such value.
      if (this.depth === MAX_JSON_DEPTH + 1) this.tooDeepAt = [...this.valueAt, ...value.path];
      return;
    }
    if (token.name === 'endObject' || token.name === 'endArray') this.depth--;
    value.consume(token);
    if (value.done) {
      this.value = undefined;
      this.done(value.current);
    }
  }

  private done(value: unknown): void {
    if (!this.inResources) return this.set(this.key, value);
    const index = this.resourceIndex++;
    // After a refusal the rest is only read through (for syntax errors and the depth check).
    if (this.resourceError || this.tooDeepAt || !this.sink) return;
    try {
      this.sink.add(value, index);
    } catch (error) {
      if (!(error instanceof DriftgateError)) throw error;
      this.resourceError = error;
    }
  }

  /** As JSON.parse sets a key: an own property, even `__proto__`. */
  private set(key: string, value: unknown): void {
    Object.defineProperty(this.record, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

/**
 * A copy of `text` that shares nothing with the chunk it was cut from. V8 makes a substring
 * of 13 or more characters a view of its parent string, and the tokenizer's strings are cut
 * from 64 KiB chunks of the file: one kept string (a resource's type in an address, an
 * attribute) would keep its whole chunk alive, and all of them the whole file's text.
 * Joining forces a flat copy; `slice` of that copy no longer refers to the chunk.
 */
function detached(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** stream-json's Assembler, keeping only detached copies of string values. */
class DetachingAssembler extends Assembler {
  override stringValue(value: string): void {
    super.stringValue(detached(value));
  }
}

function scalar(token: Token): unknown {
  switch (token.name) {
    case 'stringValue':
      return detached(token.value);
    case 'numberValue':
      return Number(token.value);
    case 'nullValue':
      return null;
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      throw new Error(`state-stream: unexpected token ${token.name}`);
  }
}
