/**
 * `driftgate blame` and `driftgate log` on a real git repository: a codify PR's squash
 * commit (with its trailers) changed a line, and its ledger record carries the outcome.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import {
  commitTrailers,
  ledgerPath,
  parseLedgerRecord,
  renderLedgerRecord,
  withOutcome,
} from '../../src/remediation/ledger.js';
import { captureIo } from '../support/cli.js';
import { aDrift } from '../support/drift-builder.js';

const git = promisify(execFile);

const BEFORE = `resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
`;
const AFTER = BEFORE.replace(
  'cidr_blocks = ["10.0.0.0/8"]',
  'cidr_blocks = ["10.0.0.0/8", "192.0.2.0/24"]',
);

describe('the audit trail in git', () => {
  let repo: string;
  const drift = aDrift(
    'aws_security_group.web',
    [{ path: ['ingress', 0, 'cidr_blocks', 1], recorded: null, live: '192.0.2.0/24' }],
    {
      stack: 'net',
      fingerprint: '0123456789abcdef',
      attribution: {
        actor: 'alice@example.com',
        actorType: 'sso-user',
        time: '2026-11-20T02:14:00Z',
        eventName: 'AuthorizeSecurityGroupIngress',
        sourceIp: undefined,
        via: 'console',
        userAgent: undefined,
      },
      tierReason: 'built-in rule: security group or IAM',
      directionReason: 'hotfix tag',
    },
  );
  const run = async (args: string[]) => {
    const io = captureIo();
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'driftgate-audit-'));
    const g = (...args: string[]) => git('git', args, { cwd: repo });
    await g('init', '-q', '-b', 'main');
    await g('config', 'user.name', 'Bob Builder');
    await g('config', 'user.email', 'bob@example.com');
    await g('remote', 'add', 'origin', 'git@github.com:acme/infra.git');
    await mkdir(join(repo, 'envs/net'), { recursive: true });
    await writeFile(join(repo, 'envs/net/main.tf'), BEFORE);
    await g('add', '.');
    await g('commit', '-q', '-m', 'network stack');

    // The squash merge of driftgate's codify PR #12, as GitHub writes it.
    const date = new Date('2026-11-20T09:00:00Z');
    const ledger = ledgerPath(drift, date);
    const record = renderLedgerRecord({
      drift,
      direction: 'codify',
      tier: 2,
      revert: { operations: [], refusals: [], terraformCommands: [] },
      date,
    });
    await mkdir(join(repo, ledger, '..'), { recursive: true });
    await writeFile(
      join(repo, ledger),
      withOutcome(parseLedgerRecord(record, ledger), {
        status: 'codified',
        pull_request: 12,
        merged_by: 'maintainer',
        approved_by: ['reviewer'],
        executed_at: '2026-11-20T10:00:00Z',
        operations: [],
        rollback: [],
        precheck: 'not run',
        verification: 'not run',
        duration_ms: 0,
      }),
    );
    await writeFile(join(repo, 'envs/net/main.tf'), AFTER);
    await g('add', '.');
    await g(
      '-c',
      'user.name=driftgate[bot]',
      'commit',
      '-q',
      '-m',
      `driftgate: Codify drift on aws_security_group.web (net) (#12)\n\n${commitTrailers(drift, 'codify', 2)}\n`,
    );
  });

  it('blame names the drift, the live actor, the approver, the merger and the PR for a codified line', async () => {
    const result = await run(['blame', `${join(repo, 'envs/net/main.tf')}:8`]);
    expect(result.err).toBe('');
    expect(result.out).toMatch(
      /^ {3}8 [0-9a-f]{8} driftgate drift 0123456789abcdef codify · live actor alice@example\.com · approved by reviewer · merged by maintainer · https:\/\/github\.com\/acme\/infra\/pull\/12 \| {5}cidr_blocks = \["10\.0\.0\.0\/8", "192\.0\.2\.0\/24"\]\n$/,
    );
  });

  it('lines driftgate did not write keep their ordinary blame', async () => {
    const result = await run(['blame', join(repo, 'envs/net/main.tf')]);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(BEFORE.split('\n').length - 1);
    expect(lines[0]).toMatch(
      /^ {3}1 [0-9a-f]{8} Bob Builder \| resource "aws_security_group" "web" \{$/,
    );
    expect(lines.filter((line) => line.includes('driftgate drift'))).toHaveLength(1);
  });

  it('log lists the remediation with who changed it, who approved and what happened', async () => {
    const result = await run(['log', '--repo', repo, '--stack', 'net']);
    expect(result.out).toBe(
      '2026-11-20 10:00  net  aws_security_group.web  codify  tier 2  drift 0123456789abcdef  actor alice@example.com  codified, merged by maintainer, approved by reviewer (#12)\n',
    );
    expect((await run(['log', '--repo', repo, '--stack', 'other'])).out).toBe(
      'no remediations recorded.\n',
    );
  });

  it('blame outside a git repository is a clear error', async () => {
    const result = await run(['blame', join(tmpdir(), 'nowhere.tf')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('driftgate: error: git rev-parse failed');
  });

  it('undo of a codify record reverts the code commit in the working tree, keeping the ledger', async () => {
    const files = (await git('git', ['ls-files', '.driftgate'], { cwd: repo })).stdout.trim();
    const dry = await run(['undo', join(repo, files), '--dry-run']);
    expect(dry.out).toContain('envs/net/main.tf');
    expect(dry.out).toContain('dry run: nothing was changed.');
    expect(await readFile(join(repo, 'envs/net/main.tf'), 'utf8')).toBe(AFTER);

    const result = await run(['undo', join(repo, files), '--yes']);
    expect(result.err).toBe('');
    expect(result.out).toContain('staged: the code as it was before the codify.');
    expect(await readFile(join(repo, 'envs/net/main.tf'), 'utf8')).toBe(BEFORE);
    expect((await git('git', ['status', '--porcelain'], { cwd: repo })).stdout).toBe(
      'M  envs/net/main.tf\n',
    );
  });
});
