/**
 * What `driftgate` loads before it does anything: `--version`, `--help` and `state list` of
 * a local state must not import the AWS SDK, tree-sitter or HashiCorp's parser (each costs
 * hundreds of milliseconds and tens of MB at start-up). The real command runs in a child
 * process with a module hook recording every module it imports; the test asserts on that
 * list, not on time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TRACE = join(ROOT, 'test/support/import-trace/register.mjs');
const STACK = 'examples/prod-network';

const HEAVY = [
  '/node_modules/@aws-sdk/',
  '/node_modules/web-tree-sitter/',
  '/node_modules/hcl2-parser/',
];

/** Run the CLI from source (tsx) with the import trace; its output and every module URL. */
function runTraced(args: string[]): { status: number | null; stdout: string; imported: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'driftgate-imports-'));
  const traceFile = join(dir, 'imports.txt');
  try {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', TRACE, 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, IMPORT_TRACE_FILE: traceFile },
      },
    );
    const imported = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
    return { status: child.status, stdout: child.stdout, imported };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const heavyIn = (imported: string[]) =>
  imported.filter((url) => HEAVY.some((part) => url.includes(part)));

describe('start-up imports', () => {
  it.each([
    ['--version', ['--version'], /^0\.1\.0\n$/],
    ['--help', ['--help'], /Commands:[\s\S]*state[\s\S]*codify/],
    [
      'state list of a local state',
      ['state', 'list', '--state', `${STACK}/terraform.tfstate`],
      /^aws_security_group\.web$/m,
    ],
  ])('%s loads neither the AWS SDK, tree-sitter nor HashiCorp’s parser', (_name, args, output) => {
    const run = runTraced(args);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(output);
    // The trace saw the command's own modules: an empty trace would pass vacuously.
    expect(run.imported.some((url) => url.endsWith('/src/cli/main.ts'))).toBe(true);
    expect(run.imported.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    expect(heavyIn(run.imported)).toEqual([]);
    // The streaming JSON parser is for large state files only (src/terraform/state-stream.ts).
    expect(run.imported.filter((url) => url.includes('/node_modules/stream-json/'))).toEqual([]);
  });

  it('loads tree-sitter once a command reads the stack’s code, and the trace shows it', () => {
    // state list without --state reads the stack's backend block: the parser is needed.
    const run = runTraced(['state', 'list', STACK]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^aws_security_group\.web$/m);
    expect(heavyIn(run.imported).some((url) => url.includes('/web-tree-sitter/'))).toBe(true);
    expect(heavyIn(run.imported).some((url) => url.includes('/@aws-sdk/'))).toBe(false);
  });

  it('codify from a plan loads tree-sitter, and neither HashiCorp’s parser (its thread does) nor the AWS SDK', () => {
    const run = runTraced(['codify', STACK, '--plan-json', `${STACK}/refresh-only.plan.json`]);
    // 3: the example's database password drift is refused (never written into code).
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^\+\+\+ /m);
    const heavy = heavyIn(run.imported);
    expect(heavy.some((url) => url.includes('/web-tree-sitter/'))).toBe(true);
    // HashiCorp's parser checks every edit on a worker thread (hashicorp-thread.ts), which
    // loads it while this thread reads the stack: this thread never loads it.
    expect(heavy.some((url) => url.includes('/hcl2-parser/'))).toBe(false);
    expect(heavy.some((url) => url.includes('/@aws-sdk/'))).toBe(false);
  });
});
