/**
 * Ledger records are read back from git, where anyone with write access can edit them.
 * A record with an unknown operation, missing parameters or broken YAML is refused with
 * file:line:column, in the parser and in `driftgate undo`, before anything is sent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { driftsFromPlan } from '../../src/drift/from-plan.js';
import { DriftgateError } from '../../src/errors.js';
import {
  parseLedgerRecord,
  renderLedgerRecord,
  withOutcome,
} from '../../src/remediation/ledger.js';
import { EXECUTABLE_OPERATIONS } from '../../src/cloud/aws/operations.js';
import { OPERATION_PARAMS } from '../../src/remediation/operation-schema.js';
import { planRevert } from '../../src/remediation/revert.js';
import { parsePlan } from '../../src/terraform/plan.js';
import { captureIo } from '../support/cli.js';

const PLAN = join(import.meta.dirname, '../../examples/prod-network/refresh-only.plan.json');
const RECORD_PATH = '.driftgate/ledger/prod-network/2026-11-24-0123456789abcdef.md';

/** The applied revert record of the example's security-group drift, as a merge leaves it. */
function appliedRecord(): string {
  const drifts = driftsFromPlan(parsePlan(readFileSync(PLAN, 'utf8'), PLAN), 'prod-network');
  const drift = drifts.find((candidate) => candidate.address === 'aws_security_group.web')!;
  const text = renderLedgerRecord({
    drift,
    direction: 'revert',
    tier: 2,
    revert: planRevert(drift, 'sg-0123456789abcdef0'),
    date: new Date('2026-11-24T08:00:00Z'),
  });
  return withOutcome(parseLedgerRecord(text, RECORD_PATH), {
    status: 'applied',
    pull_request: 7,
    merged_by: 'maintainer',
    approved_by: [],
    executed_at: '2026-11-24T09:00:00.000Z',
    operations: [],
    rollback: [],
    precheck: 'ok',
    verification: 'ok',
    duration_ms: 1,
  });
}

/** The record with its front matter changed by `edit`. */
function editedRecord(edit: (front: Record<string, unknown>) => void): string {
  const text = appliedRecord();
  const [, yaml, prose] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)!;
  const front = parse(yaml!) as Record<string, unknown>;
  edit(front);
  return `---\n${stringify(front).trimEnd()}\n---\n${prose}`;
}

type Operation = { api: string; params: Record<string, unknown> };
const firstOperation = (front: Record<string, unknown>) =>
  (front.planned_operations as Operation[])[0]!;

function refusalOf(text: string): DriftgateError {
  try {
    parseLedgerRecord(text, RECORD_PATH);
  } catch (error) {
    expect(error).toBeInstanceOf(DriftgateError);
    return error as DriftgateError;
  }
  throw new Error('expected a DriftgateError');
}

describe('malformed ledger records', () => {
  it('checks the params of exactly the operations driftgate can send', () => {
    expect(Object.keys(OPERATION_PARAMS).sort()).toEqual([...EXECUTABLE_OPERATIONS].sort());
  });

  it('reads the untouched record (the fixture is a valid applied revert)', () => {
    const record = parseLedgerRecord(appliedRecord(), RECORD_PATH);
    expect(record.front.planned_operations.map((operation) => operation.api)).toContain(
      'RevokeSecurityGroupIngress',
    );
  });

  const cases: [string, (front: Record<string, unknown>) => void, RegExp][] = [
    [
      'an unknown operation',
      (front) => {
        firstOperation(front).api = 'TerminateInstances';
      },
      /planned_operations\[0\]\.api: "TerminateInstances" is not an operation driftgate plans/,
    ],
    [
      'missing params',
      (front) => {
        delete (firstOperation(front) as Partial<Operation>).params;
      },
      /planned_operations\[0\]\.params: /,
    ],
    [
      'a missing GroupId',
      (front) => {
        delete firstOperation(front).params.GroupId;
      },
      /planned_operations\[0\]\.params\.GroupId: /,
    ],
    [
      'tags without keys',
      (front) => {
        front.planned_operations = [
          { api: 'CreateTags', params: { Resources: ['sg-1'], Tags: [{ Value: 'x' }] } },
        ];
      },
      /planned_operations\[0\]\.params\.Tags\[0\]\.Key: /,
    ],
    [
      'an attribute change without its value',
      (front) => {
        front.planned_operations = [
          { api: 'ModifyVpcAttribute', params: { VpcId: 'vpc-1', EnableDnsSupport: {} } },
        ];
      },
      /planned_operations\[0\]\.params: needs exactly one attribute besides VpcId/,
    ],
    [
      'an inverse with an unknown operation',
      (front) => {
        (firstOperation(front) as Operation & { inverse?: Operation }).inverse = {
          api: 'DeleteVpc',
          params: { VpcId: 'vpc-1' },
        };
      },
      /planned_operations\[0\]\.inverse\.api: "DeleteVpc" is not an operation/,
    ],
  ];
  for (const [what, edit, message] of cases) {
    it(`refuses ${what} with file:line:column`, () => {
      const error = refusalOf(editedRecord(edit));
      expect(error.format()).toMatch(
        new RegExp(
          `^${RECORD_PATH.replace(/\./g, '\\.')}:\\d+:\\d+: not a driftgate ledger record`,
        ),
      );
      expect(error.message).toMatch(message);
    });
  }

  it('refuses broken YAML and an alias to nothing with the line in the file', () => {
    const broken = appliedRecord().replace('stack: prod-network', 'stack: [prod-network');
    expect(refusalOf(broken).format()).toMatch(/\.md:\d+:\d+: YAML syntax error/);
    const alias = appliedRecord().replace('stack: prod-network', 'stack: *nothing');
    const error = refusalOf(alias);
    // `stack:` is the record's fourth line: `---`, `driftgate: 1`, `drift_id: …`, `stack: …`.
    expect(error.format()).toMatch(/\.md:4:8: YAML alias \*nothing names no anchor/);
  });
});

describe('driftgate undo on a malformed record', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftgate-ledger-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('exits 1 with one line naming the record and sends nothing', async () => {
    const path = join(dir, 'record.md');
    await writeFile(
      path,
      editedRecord((front) => {
        firstOperation(front).api = 'TerminateInstances';
      }),
    );
    const io = captureIo();
    // No AWS endpoint is configured: a refusal must come before any call could be made.
    const code = await runCli(['undo', path, dir, '--yes'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      new RegExp(
        `^driftgate: error: ${path.replace(/[./]/g, '\\$&')}:\\d+:\\d+: not a driftgate ledger record: planned_operations\\[0\\]\\.api`,
      ),
    );
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.out()).toBe('');
  });
});
