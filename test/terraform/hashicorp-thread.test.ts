/**
 * HashiCorp's parser on a worker thread gives the verdicts it gives on the main thread,
 * answers each parse with its own text's result when many are in flight, survives its
 * thread dying, and never keeps a finished process alive.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWithHashicorp } from '../../src/terraform/hashicorp-parser.js';
import {
  startHashicorpThread,
  type HashicorpThread,
} from '../../src/terraform/hashicorp-thread.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/prod-network');

let thread: HashicorpThread | undefined;
afterEach(async () => {
  await thread?.close();
  thread = undefined;
});

describe('HashiCorp’s parser on a worker thread', () => {
  it('gives the main thread’s verdict for valid, invalid, panicking and overflowing input', async () => {
    thread = startHashicorpThread();
    const texts = [
      ...readdirSync(EXAMPLE)
        .filter((name) => name.endsWith('.tf'))
        .map((name) => readFileSync(join(EXAMPLE, name), 'utf8')),
      'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n',
      'x = { null = 1 }\n',
      `x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    ];
    const verdicts = await Promise.all(texts.map((text) => thread!.parse(text)));
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(
      texts.map((text) => parseWithHashicorp(text).kind),
    );
    expect(verdicts.map((verdict) => verdict.kind).slice(-3)).toEqual([
      'rejected',
      'crashed',
      'too-deep',
    ]);
    verdicts.forEach((verdict, index) => {
      const main = parseWithHashicorp(texts[index]!);
      if (verdict.kind === 'parsed' && main.kind === 'parsed')
        expect(verdict.value).toEqual(main.value);
    });
  });

  it('answers every parse in flight with the value of its own text', async () => {
    thread = startHashicorpThread();
    const texts = Array.from({ length: 60 }, (_, i) => `n${i} = ${i}\n`);
    const verdicts = await Promise.all(texts.map((text) => thread!.parse(text)));
    expect(verdicts).toEqual(texts.map((_, i) => ({ kind: 'parsed', value: { [`n${i}`]: i } })));
  });

  it('fails the parses in flight when its thread stops, and starts a new thread after', async () => {
    thread = startHashicorpThread();
    const inFlight = thread.parse('a = 1\n');
    await thread.close();
    expect(await inFlight).toEqual({ kind: 'crashed' });
    expect(await thread.parse('b = 2\n')).toEqual({ kind: 'parsed', value: { b: 2 } });
  });

  it('lets a process exit once its parses are answered', () => {
    const script = `
      const { startHashicorpThread } = await import(${JSON.stringify(join(ROOT, 'src/terraform/hashicorp-thread.ts'))});
      const thread = startHashicorpThread();
      const verdict = await thread.parse('a = 1\\n');
      console.log(JSON.stringify(verdict));`;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ kind: 'parsed', value: { a: 1 } });
  });
});
