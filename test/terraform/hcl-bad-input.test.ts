/**
 * `.tf` files that are hostile or odd: deep nesting, keyword object keys, a directory
 * named like a file, a huge string. Each parses as Terraform would or is refused with a
 * DriftgateError naming the file, quickly.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftgateError } from '../../src/errors.js';
import { MAX_HCL_FILE_CHARS, MAX_HCL_TREE_DEPTH } from '../../src/input-limits.js';
import {
  lineStarts,
  literalValueOf,
  loadHclParser,
  parseHcl,
  positionOf,
  type HclValue,
} from '../../src/terraform/hcl-syntax.js';
import { buildStack, readStack } from '../../src/terraform/stack.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/prod-network');

async function refusal(run: () => Promise<unknown>): Promise<DriftgateError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DriftgateError);
    return error as DriftgateError;
  }
  throw new Error('expected a DriftgateError');
}

describe('deep nesting in HCL', () => {
  it('refuses 400 nested [ with file:line:column, not a stack overflow', async () => {
    const text = `locals {\n  x = ${'['.repeat(400)}${']'.repeat(400)}\n}\n`;
    const error = await refusal(() => parseHcl('envs/net/main.tf', text));
    expect(error.format()).toMatch(/^envs\/net\/main\.tf:2:\d+: nested too deeply/);
  });

  for (const [kind, text] of [
    ['parentheses', `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`],
    ['objects', `x = ${'{a='.repeat(5000)}1${'}'.repeat(5000)}\n`],
    ['function calls', `x = ${'f('.repeat(5000)}1${')'.repeat(5000)}\n`],
    ['blocks', `${'b {\n'.repeat(3000)}${'}\n'.repeat(3000)}`],
    ['unary minus', `x = ${'-'.repeat(5000)}1\n`],
  ]) {
    it(`refuses 5,000 levels of ${kind} with file:line:column`, async () => {
      const error = await refusal(() => parseHcl('deep.tf', text!));
      expect(error.format()).toMatch(/^deep\.tf:\d+:\d+: nested too deeply/);
    });
  }

  it('reads 40 levels of nested lists, as real configurations never need more', async () => {
    const file = await parseHcl('ok.tf', `x = ${'['.repeat(40)}1${']'.repeat(40)}\n`);
    let value = literalValueOf(file.attributes[0]!.value);
    for (let level = 0; level < 40; level++) value = (value as HclValue[])[0];
    expect(value).toBe(1);
  });
});

/**
 * Where an exhaustive walk of every node finds the first node deeper than the limit (the
 * reader walks only subtrees large enough to hold one), as `file:line:column`, or undefined.
 */
async function firstTooDeepByFullWalk(path: string, text: string): Promise<string | undefined> {
  const tree = (await loadHclParser()).parse(text)!;
  try {
    const cursor = tree.rootNode.walk();
    let depth = 0;
    for (;;) {
      if (cursor.gotoFirstChild()) {
        if (++depth > MAX_HCL_TREE_DEPTH) {
          const { line, column } = positionOf(lineStarts(text), cursor.startIndex);
          return `${path}:${line}:${column}`;
        }
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined;
        depth--;
      }
    }
  } finally {
    tree.delete();
  }
}

describe('the depth limit, walking only subtrees that can exceed it', () => {
  // Shapes around the limit, alone and after shallower and deeper siblings, so the first
  // node too deep in source order is what a full walk finds, at every nesting near the edge.
  const nest = (open: string, close: string, levels: number, inner = '1') =>
    `${open.repeat(levels)}${inner}${close.repeat(levels)}`;
  const cases: string[] = [];
  for (let levels = 55; levels <= 90; levels += 5) {
    cases.push(`x = ${nest('[', ']', levels)}\n`);
    cases.push(`x = ${nest('(', ')', levels)}\ny = ${nest('[', ']', levels + 3)}\n`);
    cases.push(`a = ${nest('[', ']', 10)}\nb {\n  c = ${nest('{k=', '}', levels)}\n}\n`);
    cases.push(`d = ${nest('f(', ')', levels)}\ne = ${nest('[', ']', levels - 20)}\n`);
    cases.push(`${nest('b {\n', '}\n', Math.floor(levels / 2), 'v = 1\n')}`);
  }
  it('refuses exactly the files a walk of every node refuses, at the same place', async () => {
    let refused = 0;
    for (const text of cases) {
      const expected = await firstTooDeepByFullWalk('deep.tf', text);
      const got = await parseHcl('deep.tf', text).then(
        () => undefined,
        (error: DriftgateError) => error.format(),
      );
      if (expected === undefined) expect(got, text.slice(0, 60)).toBeUndefined();
      else {
        refused++;
        expect(got, text.slice(0, 60)).toMatch(new RegExp(`^${expected}: nested too deeply`));
      }
    }
    // Both sides of the limit were exercised.
    expect(refused).toBeGreaterThan(5);
    expect(refused).toBeLessThan(cases.length - 5);
  });
});

describe('keyword object keys', () => {
  it('refuses an escape naming no character UTF-8 can encode, with file:line:column, both ways of reading', async () => {
    for (const [escape, text] of [
      ['\\UFFFFFFFF', 'variable "a" {\n  default = "\\UFFFFFFFF"\n}\n'],
      ['\\uD800', 'locals {\n  x = { k = "\\uD800" }\n}\n'],
      ['\\U00110000', 'resource "aws_vpc" "\\U00110000" {\n}\n'],
    ] as const) {
      for (const lazy of [false, true]) {
        const error = await refusal(async () => {
          const stack = await buildStack('.', [{ path: 'main.tf', text }], { lazy });
          // A lazily read body is read when asked.
          return JSON.stringify(stack.files);
        });
        expect(error.message).toBe(
          `invalid escape sequence ${escape}: not a character UTF-8 can encode`,
        );
        expect(error.location).toMatchObject({
          file: 'main.tf',
          line: text.startsWith('resource') ? 1 : 2,
        });
      }
    }
  });

  it('reads `null`, `true` and `false` as string keys, as Terraform does', async () => {
    const file = await parseHcl('tags.tf', 'tags = { null = "a", true = "b", false = "c" }\n');
    expect(literalValueOf(file.attributes[0]!.value)).toEqual({
      null: 'a',
      true: 'b',
      false: 'c',
    });
  });
});

describe('stack directories', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftgate-hcl-'));
    await cp(join(EXAMPLE, 'main.tf'), join(dir, 'main.tf'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('skips a directory named x.tf, as Terraform does', async () => {
    await mkdir(join(dir, 'x.tf'));
    const stack = await readStack(dir);
    expect(stack.files.map((file) => file.path.split('/').pop())).toEqual(['main.tf']);
    expect(stack.resources.length).toBeGreaterThan(0);
  });

  it('refuses a 10 MB string in a .tf within a second, naming the file and the limit', async () => {
    await writeFile(join(dir, 'huge.tf'), `locals {\n  x = "${'x'.repeat(10_000_000)}"\n}\n`);
    const started = Date.now();
    const error = await refusal(() => readStack(dir));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.location.file).toBe(join(dir, 'huge.tf'));
    expect(error.message).toContain(`up to ${MAX_HCL_FILE_CHARS} characters`);
  });

  it('refuses a file just over the limit given as text (the app reads files through the API)', async () => {
    const text = `x = "${'y'.repeat(MAX_HCL_FILE_CHARS)}"\n`;
    const started = Date.now();
    const error = await refusal(() => parseHcl('envs/net/big.tf', text));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.format()).toMatch(/^envs\/net\/big\.tf: file too large/);
  });
});
