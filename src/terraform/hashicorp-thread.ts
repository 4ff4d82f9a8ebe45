/**
 * HashiCorp's parser on a worker thread. Loading it costs ~0.3 s and checking an edit a
 * few milliseconds, all synchronous: on its own thread the load overlaps reading the stack,
 * and the checks overlap the edits that follow them (remediation/codify/codify.ts). The
 * verdicts are the ones `parseWithHashicorp` gives on the main thread.
 *
 * The worker is a few lines of JavaScript evaluated from a string, requiring the parser by
 * path: it runs the same from the TypeScript sources, the compiled build, the CLI's bundle
 * and the Action's bundle (which ships the parser beside itself).
 */
import { Worker } from 'node:worker_threads';
import type { HashicorpParse } from './hashicorp-parser.js';
import { hcl2ModulePath } from './hcl2-module.js';

// Written to run as CommonJS or as an ES module (a worker inherits flags such as
// --input-type=module): Node's modules come by import(), the parser by require.
const WORKER_SOURCE = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { createRequire } = await import('node:module');
  const hcl2 = createRequire(workerData.modulePath)(workerData.modulePath);
  parentPort.on('message', ({ id, text }) => {
    try {
      const [value, error] = hcl2.parseToObject(text);
      parentPort.postMessage(error ? { id, rejected: true } : { id, value });
    } catch (error) {
      parentPort.postMessage({ id, threw: error instanceof RangeError ? 'range' : 'other' });
    }
  });
})();
`;

type WorkerAnswer = { id: number } & (
  { rejected: true } | { value: unknown } | { threw: 'range' | 'other' }
);

function verdictOf(answer: WorkerAnswer): HashicorpParse {
  if ('threw' in answer) return { kind: answer.threw === 'range' ? 'too-deep' : 'crashed' };
  if ('rejected' in answer) return { kind: 'rejected' };
  return { kind: 'parsed', value: answer.value };
}

export interface HashicorpThread {
  /** HashiCorp's verdict on `text`; `crashed` if the thread itself died. */
  parse(text: string): Promise<HashicorpParse>;
  /** Stop the thread (pending parses resolve as `crashed`). */
  close(): Promise<void>;
}

/**
 * Start a thread and begin loading the parser on it now. It does not keep the process
 * alive while idle; a thread that died is replaced on the next parse.
 */
export function startHashicorpThread(): HashicorpThread {
  // Each pending parse remembers the worker it was sent to: a dying worker fails its own.
  const pending = new Map<number, { resolve: (verdict: HashicorpParse) => void; to: Worker }>();
  let nextId = 0;
  let worker: Worker | undefined;

  const failSentTo = (dead: Worker) => {
    for (const [id, request] of pending)
      if (request.to === dead) {
        pending.delete(id);
        request.resolve({ kind: 'crashed' });
      }
  };
  const spawn = (): Worker => {
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: hcl2ModulePath() },
      stdout: false,
      stderr: false,
    });
    started.unref();
    started.on('message', (answer: WorkerAnswer) => {
      const request = pending.get(answer.id);
      pending.delete(answer.id);
      if (![...pending.values()].some((other) => other.to === started)) started.unref();
      request?.resolve(verdictOf(answer));
    });
    const died = () => {
      if (worker === started) worker = undefined;
      failSentTo(started);
    };
    started.on('error', died);
    started.on('exit', died);
    return started;
  };
  worker = spawn();

  return {
    parse(text) {
      const to = (worker ??= spawn());
      const id = nextId++;
      const answer = new Promise<HashicorpParse>((resolve) => pending.set(id, { resolve, to }));
      // Waiting for an answer keeps the process alive; an idle thread does not.
      to.ref();
      to.postMessage({ id, text });
      return answer;
    },
    async close() {
      const stopping = worker;
      worker = undefined;
      if (stopping) {
        await stopping.terminate();
        failSentTo(stopping);
      }
    },
  };
}
