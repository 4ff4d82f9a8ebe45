/**
 * Mutation fuzzing of every input driftgate reads from people or tools: `.tf` files, state
 * JSON, plan JSON, the config YAML and ledger records. Real inputs (the example stack, the
 * codify fixtures, a ledger record rendered from the example's drift) are mutated by text
 * edits and by structural JSON edits; each result must either be read or be refused with
 * a DriftgateError naming the file: never another exception, never a stack overflow.
 *
 * fast-check prints the seed and the shrunk input of a failure; replay it with
 * `fc.assert(..., { seed, path })`. DRIFTGATE_FUZZ_RUNS=<n> runs n cases per input
 * kind instead of the quick default (`DRIFTGATE_FUZZ_RUNS=2000 npx vitest run test/fuzz`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { driftsFromPlan } from '../../src/drift/from-plan.js';
import { DriftgateError } from '../../src/errors.js';
import { inversePlan } from '../../src/remediation/execute.js';
import {
  parseLedgerRecord,
  preImageOf,
  renderLedgerRecord,
  withOutcome,
} from '../../src/remediation/ledger.js';
import { planRevert } from '../../src/remediation/revert.js';
import { driftToJson, formatValue } from '../../src/report/render.js';
import { parsePlan } from '../../src/terraform/plan.js';
import { buildStack } from '../../src/terraform/stack.js';
import { parseState } from '../../src/terraform/state.js';

const RUNS = Number(process.env.DRIFTGATE_FUZZ_RUNS) || undefined;
const runs = (quick: number) => ({ numRuns: RUNS ?? quick });

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/prod-network');
const read = (path: string) => readFileSync(path, 'utf8');
const SECRET = 'correct-horse-battery-staple';

const PLANS = ['refresh-only.plan.json', 'no-drift.plan.json'].map((name) =>
  read(join(EXAMPLE, name)),
);
const STATE = read(join(EXAMPLE, 'terraform.tfstate'));
const CODIFY_FIXTURES = join(ROOT, 'test/fixtures/codify');
const HCL = [
  read(join(EXAMPLE, 'main.tf')),
  read(join(EXAMPLE, 'variables.tf')),
  ...readdirSync(CODIFY_FIXTURES).flatMap((fixture) =>
    readdirSync(join(CODIFY_FIXTURES, fixture))
      .filter((name) => name.endsWith('.tf'))
      .map((name) => read(join(CODIFY_FIXTURES, fixture, name))),
  ),
];
const CONFIG = read(join(ROOT, 'docs/configuration.md')).match(
  /## Example\n\n```yaml\n([\s\S]*?)```/,
)![1]!;

/** An applied revert record of the example's security-group drift, as a merge leaves it. */
const LEDGER = (() => {
  const drift = driftsFromPlan(parsePlan(PLANS[0]!, 'plan.json'), 'prod-network').find(
    (candidate) => candidate.address === 'aws_security_group.web',
  )!;
  const text = renderLedgerRecord({
    drift,
    direction: 'revert',
    tier: 2,
    revert: planRevert(drift, 'sg-0123456789abcdef0'),
    date: new Date('2026-11-24T08:00:00Z'),
  });
  return withOutcome(parseLedgerRecord(text, 'ledger.md'), {
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
})();

/** Fragments that have broken parsers before: deep nesting, keywords, aliases, escapes. */
const HOSTILE = [
  '['.repeat(400),
  '{'.repeat(300),
  '('.repeat(300),
  '{"a":'.repeat(300),
  '- '.repeat(300),
  ']',
  '}',
  '"',
  '\\',
  'null',
  'true',
  '"true"',
  '= null',
  '{ null = 1 }',
  '\u0000',
  '\uD800',
  '\r\n',
  '*anchor',
  '&anchor',
  '<<EOT\n',
  '${',
  '%{',
  '#',
  '/*',
  '1e999',
  '-',
  ':',
  '---\n',
  'api: TerminateInstances',
];

type Edit = { at: number; length: number; kind: string; chunk: string };
const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  length: fc.nat({ max: 40 }),
  kind: fc.constantFrom('insert', 'delete', 'duplicate', 'replace'),
  chunk: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE)),
});

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length ? edit.at % out.length : 0;
    const end = Math.min(out.length, at + edit.length);
    if (edit.kind === 'insert') out = out.slice(0, at) + edit.chunk + out.slice(at);
    else if (edit.kind === 'delete') out = out.slice(0, at) + out.slice(end);
    else if (edit.kind === 'duplicate')
      out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
    else out = out.slice(0, at) + edit.chunk + out.slice(end);
  }
  return out;
}

const mutatedText = (texts: string[]) =>
  fc
    .tuple(fc.constantFrom(...texts), fc.array(editArbitrary, { minLength: 1, maxLength: 4 }))
    .map(([text, edits]) => applyEdits(text, edits));

/** Marks replaced after JSON.stringify, which cannot itself write 10,000 levels. */
const DEEP = '@@DEEP@@';
const DEEP_JSON = `${'{"a":['.repeat(5000)}1${']}'.repeat(5000)}`;

/**
 * Replace (or delete) the value at a random path of a JSON document. The walk starts at
 * one of `focus` (key paths the readers look at, such as `resource_drift`) or at the root,
 * so mutations land where they are read rather than in ignored sections.
 */
const mutatedJson = (texts: string[], focus: string[][] = []) =>
  fc
    .tuple(
      fc.constantFrom(...texts),
      fc.constantFrom<string[]>([], ...focus),
      fc.array(fc.nat(), { minLength: 1, maxLength: 14 }),
      fc.oneof(
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        { weight: 2, arbitrary: fc.constantFrom<unknown>('true', 5, null, {}, [], -1, '') },
        { weight: 1, arbitrary: fc.constant<unknown>(DEEP) },
      ),
      fc.boolean(),
    )
    .map(([text, start, steps, replacement, remove]) => {
      const root = JSON.parse(text) as unknown;
      let parent: Record<string, unknown> | unknown[] | undefined;
      let key: string | number | undefined;
      let current: unknown = root;
      for (const name of start) {
        const next = (current as Record<string, unknown>)[name];
        if (typeof next !== 'object' || next === null) break;
        parent = current as Record<string, unknown>;
        key = name;
        current = next;
      }
      for (const step of steps) {
        if (typeof current !== 'object' || current === null) break;
        const keys = Array.isArray(current) ? current.map((_, i) => i) : Object.keys(current);
        if (keys.length === 0) break;
        parent = current as Record<string, unknown>;
        key = keys[step % keys.length]!;
        current = (current as Record<string | number, unknown>)[key];
      }
      if (parent === undefined || key === undefined) return JSON.stringify(replacement);
      if (remove && !Array.isArray(parent)) delete parent[key as string];
      else (parent as Record<string | number, unknown>)[key] = replacement;
      return JSON.stringify(root).replaceAll(`"${DEEP}"`, DEEP_JSON);
    });

const PLAN_FOCUS = [
  ...['0', '1', '2'].map((index) => ['resource_drift', index, 'change']),
  ['prior_state', 'values', 'root_module'],
];
const STATE_FOCUS = ['0', '1', '2', '3'].map((index) => ['resources', index, 'instances', '0']);

/** The contract: read, or a DriftgateError naming `file`. Anything else fails the run. */
function readOrRefuse(file: string, read: () => unknown, secret?: string): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof DriftgateError))
      throw new Error(
        `expected a DriftgateError naming ${file}, got ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`,
      );
    expect(error.location.file).toBe(file);
    if (secret) expect(error.format()).not.toContain(secret);
  }
}

async function readOrRefuseAsync(file: string, read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof DriftgateError))
      throw new Error(
        `expected a DriftgateError naming ${file}, got ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`,
      );
    expect(error.location.file).toBe(file);
  }
}

/** Everything a plan goes through before anyone sees it: drift, diff, mask, render. */
function readPlanThroughReport(text: string): void {
  const drifts = driftsFromPlan(parsePlan(text, 'fuzz/plan.json'), 'net');
  for (const drift of drifts) {
    JSON.stringify(driftToJson(drift));
    for (const change of drift.changes) formatValue(change.live);
  }
}

describe('mutation fuzzing: read or refuse naming the file', () => {
  it('plan JSON (structural mutations; secrets never in the message)', () => {
    fc.assert(
      fc.property(mutatedJson(PLANS, PLAN_FOCUS), (text) =>
        readOrRefuse('fuzz/plan.json', () => readPlanThroughReport(text), SECRET),
      ),
      runs(150),
    );
  });

  it('plan JSON (text mutations)', () => {
    fc.assert(
      fc.property(mutatedText(PLANS), (text) =>
        readOrRefuse('fuzz/plan.json', () => readPlanThroughReport(text)),
      ),
      runs(100),
    );
  });

  it('state JSON (structural and text mutations)', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson([STATE], STATE_FOCUS), mutatedText([STATE])), (text) =>
        readOrRefuse('fuzz/terraform.tfstate', () => parseState(text, 'fuzz/terraform.tfstate')),
      ),
      runs(200),
    );
  });

  it('.tf files (tree-sitter, HashiCorp parser, stack declarations)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedText(HCL), (text) =>
        readOrRefuseAsync('fuzz/main.tf', () =>
          buildStack('fuzz', [{ path: 'fuzz/main.tf', text }]),
        ),
      ),
      runs(40),
    );
  });

  it('config YAML', () => {
    fc.assert(
      fc.property(mutatedText([CONFIG]), (text) =>
        readOrRefuse('fuzz/driftgate.yml', () => parseConfig(text, 'fuzz/driftgate.yml')),
      ),
      runs(150),
    );
  });

  it('ledger records (read, then the inverse plan undo would send)', () => {
    fc.assert(
      fc.property(mutatedText([LEDGER]), (text) =>
        readOrRefuse('fuzz/ledger.md', () => {
          const record = parseLedgerRecord(text, 'fuzz/ledger.md');
          inversePlan(record.front.planned_operations, preImageOf(record));
        }),
      ),
      runs(150),
    );
  });
});
