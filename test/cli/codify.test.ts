import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';

const STACK = 'examples/prod-network';
const PLAN = `${STACK}/refresh-only.plan.json`;

async function run(args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function copyOfStack(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-codify-'));
  await cp(STACK, dir, { recursive: true });
  return dir;
}

describe('driftgate codify', () => {
  it('--diff prints a unified diff, lists refusals with where to act, exits 3, and writes nothing', async () => {
    const before = await readFile(`${STACK}/main.tf`, 'utf8');
    const { code, out, err } = await run(['codify', STACK, '--plan-json', PLAN]);
    expect(code).toBe(3);
    expect(out).toContain(`--- a/${STACK}/main.tf\n+++ b/${STACK}/main.tf\n`);
    expect(out).toContain('+    CostCenter  = "cc-1234"\n');
    expect(out).toContain(
      '-    cidr_blocks = [var.office_cidr]\n+    cidr_blocks = [var.office_cidr, "203.0.113.7/32"]\n',
    );
    // Refusals go to stderr, naming file:line and the expression (never a value).
    expect(err).toBe(
      `refused: aws_db_instance.orders password: the value is sensitive; driftgate never writes secrets into code (${STACK}/main.tf:92: password)\n`,
    );
    expect(out).not.toContain('refused');
    expect(await readFile(`${STACK}/main.tf`, 'utf8')).toBe(before);
  });

  it('--write applies only the chosen addresses; a second run has nothing to do; exit 0', async () => {
    const dir = await copyOfStack();
    const plan = join(dir, 'refresh-only.plan.json');
    const first = await run([
      'codify',
      dir,
      '--plan-json',
      plan,
      '--address',
      'aws_security_group.web',
      'aws_vpc.main',
      '--write',
    ]);
    expect(first.code).toBe(0);
    expect(first.out).toBe(`codified 2 drift(s); wrote ${join(dir, 'main.tf')}\n`);
    const text = await readFile(join(dir, 'main.tf'), 'utf8');
    expect(text).toContain('    cidr_blocks = [var.office_cidr, "203.0.113.7/32"]\n');
    expect(text).toContain('    CostCenter  = "cc-1234"\n');
    // Comments survive.
    expect(text).toContain(
      '# The web tier: HTTPS from anywhere, SSH only from the office VPN range.\n',
    );

    const second = await run([
      'codify',
      dir,
      '--plan-json',
      plan,
      '--address',
      'aws_security_group.web',
      'aws_vpc.main',
      '--write',
    ]);
    expect(second).toMatchObject({
      code: 0,
      out: 'nothing to write: the code already matches live\n',
    });
  });

  it('rejects --diff with --write, and an address without drift', async () => {
    expect((await run(['codify', STACK, '--plan-json', PLAN, '--diff', '--write'])).err).toContain(
      'choose one of --diff and --write',
    );
    const missing = await run(['codify', STACK, '--plan-json', PLAN, '--address', 'aws_vpc.other']);
    expect(missing).toMatchObject({
      code: 1,
      err: 'driftgate: error: no drift for aws_vpc.other\n',
    });
  });

  it('--diff > fix.patch is a clean patch: git apply --check accepts stdout', async () => {
    const { code, out } = await run(['codify', STACK, '--plan-json', PLAN]);
    expect(code).toBe(3);
    const patch = join(await mkdtemp(join(tmpdir(), 'driftgate-patch-')), 'fix.patch');
    // Nothing but the patch: every line is a header, a hunk header or a hunk line.
    const notPatch = out
      .split('\n')
      .filter((line) => line !== '' && !/^(--- |\+\+\+ |@@ |[ +\-\\])/.test(line));
    expect(notPatch).toEqual([]);
    await writeFile(patch, out);
    // Throws (and fails the test) when git cannot apply the patch to this checkout.
    execFileSync('git', ['apply', '--check', patch], { stdio: 'pipe' });
  });

  it('works with an absolute stack path (inside the working directory)', async () => {
    const relative = await run(['codify', STACK, '--plan-json', PLAN]);
    const absolute = await run(['codify', resolve(STACK), '--plan-json', PLAN]);
    expect(absolute).toEqual(relative);
    expect(absolute.out).toContain(`--- a/${STACK}/main.tf\n`);
  });

  it('reads only the bodies it edits: a syntax error in another block stops --write (file:line:column, nothing written), not --diff', async () => {
    const dir = await copyOfStack();
    const main = join(dir, 'main.tf');
    const broken = (await readFile(main, 'utf8')).replace(
      '  map_public_ip_on_launch = true\n',
      '  map_public_ip_on_launch = = true\n',
    );
    await writeFile(main, broken);
    const plan = join(dir, 'refresh-only.plan.json');
    // aws_subnet.public has no drift: codify's edits are elsewhere, and print as a diff.
    const diff = await run(['codify', dir, '--plan-json', plan]);
    expect(diff.code).toBe(3);
    expect(diff.out).toContain('+    CostCenter  = "cc-1234"\n');
    // Writing reads every file it writes whole first.
    const write = await run(['codify', dir, '--plan-json', plan, '--write']);
    expect(write.code).toBe(1);
    expect(write.err.startsWith(`driftgate: error: ${main}:4`)).toBe(true);
    expect(write.err).toMatch(/:4\d:\d+: syntax error/);
    expect(await readFile(main, 'utf8')).toBe(broken);
    // The scan reads every body, and names the same place.
    const scan = await run(['scan', dir, '--plan-json', plan]);
    expect(scan.code).toBe(1);
    expect(scan.err).toBe(write.err);
  });

  it('refuses a .tf that is not valid UTF-8 with file:line, and writes nothing', async () => {
    const dir = await copyOfStack();
    const main = join(dir, 'main.tf');
    const original = await readFile(main);
    const lines = original.toString('utf8').split('\n');
    // Line 3 gets a Latin-1 "é" (0xE9), as an editor with the wrong encoding would write it.
    const broken = Buffer.concat([
      Buffer.from(`${lines.slice(0, 2).join('\n')}\n# caf`),
      Buffer.from([0xe9]),
      Buffer.from(`\n${lines.slice(2).join('\n')}`),
    ]);
    await writeFile(main, broken);
    const result = await run([
      'codify',
      dir,
      '--plan-json',
      join(dir, 'refresh-only.plan.json'),
      '--write',
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `driftgate: error: ${main}:3: the file is not valid UTF-8 (Terraform requires UTF-8); nothing was changed\n`,
    );
    expect((await readFile(main)).equals(broken)).toBe(true);
  });
});
