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
import { MAX_HCL_FILE_CHARS } from '../../src/input-limits.js';
import { literalValueOf, parseHcl, type HclValue } from '../../src/terraform/hcl-syntax.js';
import { readStack } from '../../src/terraform/stack.js';

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

describe('keyword object keys', () => {
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
