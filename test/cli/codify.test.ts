import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const { code, out } = await run(['codify', STACK, '--plan-json', PLAN]);
    expect(code).toBe(3);
    expect(out).toContain(`--- a/${STACK}/main.tf\n+++ b/${STACK}/main.tf\n`);
    expect(out).toContain('+    CostCenter  = "cc-1234"\n');
    expect(out).toContain(
      '-    cidr_blocks = [var.office_cidr]\n+    cidr_blocks = [var.office_cidr, "203.0.113.7/32"]\n',
    );
    expect(out).toContain(
      `refused: aws_db_instance.orders password: the value is sensitive; driftgate never writes secrets into code (${STACK}/main.tf:85)`,
    );
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
});
