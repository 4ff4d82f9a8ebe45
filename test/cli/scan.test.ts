import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';

const STACK = 'examples/prod-network';
const PLAN = `${STACK}/refresh-only.plan.json`;
const CONFIG = 'examples/.github/driftgate.yml';

async function run(args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('driftgate scan --plan-json', () => {
  it('reports exactly the drifts of resource_drift, with paths, masking, tiers and ignore_changes applied', async () => {
    const { code, out } = await run([
      'scan',
      STACK,
      '--plan-json',
      PLAN,
      '--config',
      CONFIG,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.drift_count).toBe(3);
    const [stack] = report.stacks;
    expect(stack).toMatchObject({ name: 'prod-network', environment: 'prod', source: 'plan' });
    const summary = stack.drifts.map(
      (d: {
        address: string;
        action: string;
        tier: number;
        changes: { path: string; recorded: unknown; live: unknown }[];
      }) => ({
        address: d.address,
        action: d.action,
        tier: d.tier,
        changes: d.changes.map((c) => [c.path, c.recorded, c.live]),
      }),
    );
    expect(summary).toEqual([
      {
        address: 'aws_db_instance.orders',
        action: 'update',
        tier: 3,
        // allocated_storage also drifted (50 → 80) but the code ignores it in lifecycle.ignore_changes.
        changes: [
          ['instance_class', 'db.t4g.medium', 'db.t4g.large'],
          ['password', '(sensitive)', '(sensitive)'],
        ],
      },
      {
        address: 'aws_security_group.web',
        action: 'update',
        tier: 2,
        changes: [
          ['ingress[1].cidr_blocks', ['198.51.100.0/24'], ['198.51.100.0/24', '203.0.113.7/32']],
        ],
      },
      {
        address: 'aws_vpc.main',
        action: 'update',
        tier: 3,
        changes: [
          ['tags.CostCenter', null, 'cc-1234'],
          ['tags_all.CostCenter', null, 'cc-1234'],
        ],
      },
    ]);
    for (const drift of stack.drifts) expect(drift.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('never prints a sensitive value, in any format', async () => {
    const plan = await readFile(PLAN, 'utf8');
    expect(plan).toContain('rotated-by-hand-0413'); // the secret is in the input...
    for (const format of ['text', 'json', 'markdown']) {
      const { out, err } = await run(['scan', STACK, '--plan-json', PLAN, '--format', format]);
      expect(out + err).not.toContain('rotated-by-hand-0413'); // ...and never in the output
      expect(out + err).not.toContain('correct-horse-battery-staple');
    }
  });

  it('prints a readable text report: summary line, then each drift with recorded → live', async () => {
    const { out } = await run(['scan', STACK, '--plan-json', PLAN, '--config', CONFIG]);
    expect(out.split('\n')[0]).toBe(
      'Drift: 3 resources have changed outside Terraform in 1 stack.',
    );
    expect(out).toContain('  ~ aws_security_group.web  changed outside Terraform');
    expect(out).toContain(
      '      ingress[1].cidr_blocks: ["198.51.100.0/24"] → ["198.51.100.0/24","203.0.113.7/32"]',
    );
  });

  it('renders markdown with a table per drift', async () => {
    const { out } = await run(['scan', STACK, '--plan-json', PLAN, '--format', 'markdown']);
    expect(out).toContain('#### `aws_vpc.main` changed outside Terraform');
    expect(out).toContain('| `tags.CostCenter` | `(absent)` | `"cc-1234"` |');
  });

  it('--detailed-exitcode: 2 on drift, 0 on a plan without drift', async () => {
    expect((await run(['scan', STACK, '--plan-json', PLAN, '--detailed-exitcode'])).code).toBe(2);
    const clean = await run([
      'scan',
      STACK,
      '--plan-json',
      `${STACK}/no-drift.plan.json`,
      '--detailed-exitcode',
    ]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('No drift: 1 stack matches');
  });

  it('reads the corpus drift plan (any provider)', async () => {
    // The corpus holds the plan without its code; a stack directory must hold .tf files.
    const dir = await mkdtemp(join(tmpdir(), 'driftgate-corpus-'));
    await writeFile(join(dir, 'main.tf'), 'resource "test_instance" "should_refresh" {}\n');
    const { out } = await run([
      'scan',
      dir,
      '--plan-json',
      'test/fixtures/corpus/terraform-show-json/drift/output.json',
      '--format',
      'json',
    ]);
    const [stack] = JSON.parse(out).stacks;
    expect(
      stack.drifts.map((d: { address: string; changes: unknown }) => [d.address, d.changes]),
    ).toEqual([
      [
        'test_instance.should_refresh',
        [{ path: 'ami', recorded: 'refresh-me', live: 'refreshed' }],
      ],
    ]);
  });
});

describe('lifecycle.ignore_changes on a plan-fed scan', () => {
  /** The example stack with its main.tf edited. */
  async function editedStack(edit: (mainTf: string) => string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'driftgate-lifecycle-'));
    await cp(STACK, dir, { recursive: true });
    const mainTf = await readFile(join(dir, 'main.tf'), 'utf8');
    const edited = edit(mainTf);
    expect(edited).not.toBe(mainTf);
    await writeFile(join(dir, 'main.tf'), edited);
    return dir;
  }

  async function driftedAddresses(dir: string): Promise<Record<string, string[]>> {
    const { code, out, err } = await run(['scan', dir, '--plan-json', PLAN, '--format', 'json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    return Object.fromEntries(
      JSON.parse(out).stacks[0].drifts.map(
        (d: { address: string; changes: { path: string }[] }) => [
          d.address,
          d.changes.map((c) => c.path),
        ],
      ),
    );
  }

  const vpcTags = `tags = {
    Name        = "prod-main"
    Environment = "prod"
  }
`;

  it('ignore_changes = [tags] also hides the same drift in tags_all', async () => {
    const dir = await editedStack((tf) =>
      tf.replace(vpcTags, `${vpcTags}\n  lifecycle {\n    ignore_changes = [tags]\n  }\n`),
    );
    const drifts = await driftedAddresses(dir);
    expect(Object.keys(drifts).sort()).toEqual([
      'aws_db_instance.orders',
      'aws_security_group.web',
    ]);
  });

  it('ignore_changes = [tags["CostCenter"]] hides tags_all.CostCenter, not other keys', async () => {
    const dir = await editedStack((tf) =>
      tf.replace(
        vpcTags,
        `${vpcTags}\n  lifecycle {\n    ignore_changes = [tags["CostCenter"]]\n  }\n`,
      ),
    );
    expect((await driftedAddresses(dir))['aws_vpc.main']).toBeUndefined();
    const other = await editedStack((tf) =>
      tf.replace(vpcTags, `${vpcTags}\n  lifecycle {\n    ignore_changes = [tags["Owner"]]\n  }\n`),
    );
    expect((await driftedAddresses(other))['aws_vpc.main']).toEqual([
      'tags.CostCenter',
      'tags_all.CostCenter',
    ]);
  });

  it('ignore_changes = all hides every change of the resource', async () => {
    const dir = await editedStack((tf) =>
      tf.replace(vpcTags, `${vpcTags}\n  lifecycle {\n    ignore_changes = all\n  }\n`),
    );
    expect((await driftedAddresses(dir))['aws_vpc.main']).toBeUndefined();
  });
});

describe('driftgate on bad input: exit 1, a message naming the file, no stack trace', () => {
  async function brokenCopy(file: string, text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'driftgate-'));
    await cp(STACK, dir, { recursive: true });
    await writeFile(join(dir, file), text);
    return dir;
  }

  const cases: [string, () => Promise<string[]>, RegExp][] = [
    [
      'malformed .tf',
      async () => [
        'scan',
        await brokenCopy('broken.tf', 'resource "aws_vpc" "x" {\n  cidr_block = \n'),
        '--plan-json',
        PLAN,
      ],
      /broken\.tf:\d+:\d+: syntax error/,
    ],
    [
      'malformed plan JSON',
      async () => [
        'scan',
        STACK,
        '--plan-json',
        await brokenCopy('p.json', '{"format_version": "1.2",').then((d) => join(d, 'p.json')),
      ],
      /p\.json: not valid JSON/,
    ],
    [
      'a state passed as the plan',
      async () => ['scan', STACK, '--plan-json', `${STACK}/terraform.tfstate`],
      /terraform\.tfstate: not a Terraform plan/,
    ],
    [
      'missing plan file',
      async () => ['scan', STACK, '--plan-json', 'nope.json'],
      /nope\.json: cannot read plan: ENOENT/,
    ],
    [
      'invalid config',
      async () => [
        'scan',
        STACK,
        '--plan-json',
        PLAN,
        '--config',
        await brokenCopy('c.yml', 'stacks: [{name: "a b", dir: x}]\n').then((d) =>
          join(d, 'c.yml'),
        ),
      ],
      /c\.yml:1:\d+: invalid configuration\n {2}stacks\[0\]\.name/,
    ],
    [
      'malformed state',
      async () => [
        'state',
        'list',
        '--state',
        await brokenCopy('s.tfstate', '{"version": 4, "serial": "x"}').then((d) =>
          join(d, 's.tfstate'),
        ),
      ],
      /s\.tfstate: invalid at serial/,
    ],
    [
      'a stack directory without .tf files (even with a plan)',
      async () => ['scan', await mkdtemp(join(tmpdir(), 'driftgate-empty-')), '--plan-json', PLAN],
      /driftgate-empty-\w+: no \.tf files in this directory/,
    ],
    [
      'a stack directory that does not exist (a typo)',
      async () => ['scan', 'examples/prod-netwrok', '--plan-json', PLAN],
      /examples\/prod-netwrok: no such directory/,
    ],
    [
      'a file passed as the stack directory',
      async () => ['scan', PLAN, '--plan-json', PLAN],
      /refresh-only\.plan\.json: not a directory/,
    ],
    [
      'unknown format',
      async () => ['scan', STACK, '--plan-json', PLAN, '--format', 'yaml'],
      /argument 'yaml' is invalid/,
    ],
  ];

  for (const [name, args, message] of cases) {
    it(name, async () => {
      const result = await run(await args());
      expect(result.code).toBe(1);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /);
      expect(result.out).toBe('');
    });
  }
});

describe('a stack dir that leaves the repository', () => {
  /** A checkout with a config, and a stack dir (or a file in it) that is a symlink to `outside`. */
  async function checkout(link: 'dir' | 'file'): Promise<{ repo: string; config: string }> {
    const root = await mkdtemp(join(tmpdir(), 'driftgate-symlink-'));
    const outside = join(root, 'outside');
    const repo = join(root, 'repo');
    await cp(STACK, outside, { recursive: true });
    await mkdir(join(repo, '.github'), { recursive: true });
    if (link === 'dir') await symlink(outside, join(repo, 'net'));
    else {
      await mkdir(join(repo, 'net'));
      await symlink(join(outside, 'main.tf'), join(repo, 'net', 'main.tf'));
    }
    const config = join(repo, '.github', 'driftgate.yml');
    await writeFile(
      config,
      'stacks:\n  - name: other\n    dir: other\n  - name: net\n    dir: net\n',
    );
    return { repo, config };
  }

  for (const link of ['dir', 'file'] as const) {
    it(`is refused when the ${link === 'dir' ? 'directory' : 'a .tf file in it'} is a symlink to outside, naming the key`, async () => {
      const { repo, config } = await checkout(link);
      const result = await run([
        'scan',
        join(repo, 'net'),
        '--plan-json',
        PLAN,
        '--config',
        config,
      ]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        new RegExp(
          `^driftgate: error: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: stacks\\[1\\]\\.dir: "net${link === 'dir' ? '' : '/main.tf'}" is a symlink that leaves the repository`,
        ),
      );
      expect(result.out).toBe('');
    });
  }
});

describe('driftgate state list and help', () => {
  it("finds a stack's local terraform.tfstate", async () => {
    const { code, out } = await run(['state', 'list', STACK]);
    expect(code).toBe(0);
    expect(out).toBe(
      'aws_db_instance.orders\naws_security_group.web\naws_subnet.public[0]\naws_subnet.public[1]\naws_vpc.main\n',
    );
  });

  it('says where to look when a stack has no state', async () => {
    const { code, err } = await run(['state', 'list', 'examples']);
    expect(code).toBe(1);
    expect(err).toContain('no state found');
    expect(err).toContain('hint: pass --state FILE');
  });

  for (const command of [[], ['scan'], ['state'], ['state', 'list']]) {
    it(`--help works for "driftgate ${command.join(' ')}"`, async () => {
      const { code, out } = await run([...command, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: driftgate/);
    });
  }

  it('runs as a real process with exit codes', async () => {
    const exec = promisify(execFile);
    const result = await exec(process.execPath, [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'scan',
      STACK,
      '--plan-json',
      PLAN,
      '--detailed-exitcode',
    ]).catch((error: { code: number; stdout: string }) => error);
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stdout: string }).stdout).toContain('Drift: 3 resources');
  });
});
