/**
 * Plan and state JSON that is hostile or malformed: each is refused with a DriftgateError
 * naming the file, never a stack overflow, never a secret in the message. The inputs are
 * the example stack's real plan and state with one field broken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftsFromPlan } from '../../src/drift/from-plan.js';
import { DriftgateError } from '../../src/errors.js';
import { MAX_JSON_DEPTH } from '../../src/input-limits.js';
import { driftToJson } from '../../src/report/render.js';
import { parsePlan } from '../../src/terraform/plan.js';
import { parseState, sensitivePathsFromMask } from '../../src/terraform/state.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/prod-network');
const PLAN_TEXT = readFileSync(join(EXAMPLE, 'refresh-only.plan.json'), 'utf8');
const STATE_TEXT = readFileSync(join(EXAMPLE, 'terraform.tfstate'), 'utf8');
const SECRET = 'correct-horse-battery-staple';

/** `{"a":{"a":…1…}}` nested `depth` levels, built as text (JSON.stringify would overflow). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The example plan with `field` of the VPC's drift entry replaced by raw JSON text. */
function planWithVpcChange(field: string, rawJson: string): string {
  const plan = JSON.parse(PLAN_TEXT) as {
    resource_drift: { address: string; change: Record<string, unknown> }[];
  };
  const entry = plan.resource_drift.find((drift) => drift.address === 'aws_vpc.main')!;
  entry.change[field] = '@@RAW@@';
  return JSON.stringify(plan).replace('"@@RAW@@"', rawJson);
}

function errorOf(run: () => unknown): DriftgateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DriftgateError);
    return error as DriftgateError;
  }
  throw new Error('expected a DriftgateError');
}

describe('deep nesting in plan and state', () => {
  for (const field of ['before', 'after', 'before_sensitive', 'after_sensitive']) {
    it(`refuses 10,000 levels in a plan's ${field}, naming the file and the key`, () => {
      const text = planWithVpcChange(field, nestedJson(10_000));
      const error = errorOf(() => driftsFromPlan(parsePlan(text, 'plans/net.json'), 'net'));
      expect(error.format()).toMatch(
        new RegExp(
          `^plans/net\\.json: nested more than ${MAX_JSON_DEPTH} levels deep \\(at resource_drift\\[2\\]\\.change\\.${field}\\.a`,
        ),
      );
    });
  }

  it('refuses 10,000 levels in a state attribute, naming the file', () => {
    const state = JSON.parse(STATE_TEXT) as {
      resources: { instances: { attributes: Record<string, unknown> }[] }[];
    };
    state.resources[0]!.instances[0]!.attributes.deep = '@@RAW@@';
    const text = JSON.stringify(state).replace('"@@RAW@@"', nestedJson(10_000));
    const error = errorOf(() => parseState(text, 'terraform.tfstate'));
    expect(error.format()).toMatch(/^terraform\.tfstate: nested more than \d+ levels deep/);
  });

  it('refuses 10,000 nested child modules in show-json state', () => {
    const text = `{"format_version":"1.0","values":{"root_module":${'{"child_modules":['.repeat(5_000)}{}${']}'.repeat(5_000)}}}`;
    expect(errorOf(() => parseState(text, 'show.json')).format()).toMatch(/^show\.json: nested/);
  });

  it('still diffs, masks, fingerprints and renders values just under the limit', () => {
    const plan = JSON.parse(PLAN_TEXT) as {
      resource_drift: { address: string; change: Record<string, Record<string, unknown>> }[];
    };
    const entry = plan.resource_drift.find((drift) => drift.address === 'aws_vpc.main')!;
    entry.change.before!.deep = '@@BEFORE@@';
    entry.change.after!.deep = '@@AFTER@@';
    entry.change.after_sensitive = { deep: '@@MASK@@' };
    // resource_drift[i].change.after.deep: five levels of plan structure above the value.
    const depth = MAX_JSON_DEPTH - 5;
    const text = JSON.stringify(plan)
      .replace('"@@BEFORE@@"', nestedJson(depth))
      .replace('"@@AFTER@@"', nestedJson(depth).replace(/1(?=})/, '2'))
      .replace('"@@MASK@@"', nestedJson(depth - 1).replace(/1(?=})/, '{"a":true}'));
    const drifts = driftsFromPlan(parsePlan(text, 'plans/net.json'), 'net');
    const vpc = drifts.find((drift) => drift.address === 'aws_vpc.main')!;
    const deep = vpc.changes.find((change) => change.path[0] === 'deep')!;
    expect(deep.path).toHaveLength(depth + 1);
    expect(deep.sensitive).toBe(true);
    expect(vpc.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(driftToJson(vpc))).toContain('(sensitive)');
  });
});

describe('plan fields of the wrong type', () => {
  const cases: [string, string, string, RegExp][] = [
    ['before', 'change.before', '5', /resource_drift\[2\]\.change\.before: .*expected record/],
    ['after', 'change.after', '"x"', /resource_drift\[2\]\.change\.after: .*expected record/],
    ['actions', 'change.actions', '"update"', /resource_drift\[2\]\.change\.actions: /],
  ];
  for (const [field, label, raw, message] of cases) {
    it(`rejects ${label}: ${raw}, naming the file and the key`, () => {
      const error = errorOf(() => parsePlan(planWithVpcChange(field, raw), 'plans/net.json'));
      expect(error.location.file).toBe('plans/net.json');
      expect(error.message).toMatch(message);
    });
  }

  it('rejects resource_drift: {} naming the file', () => {
    const plan = JSON.parse(PLAN_TEXT) as Record<string, unknown>;
    plan.resource_drift = {};
    const error = errorOf(() => parsePlan(JSON.stringify(plan), 'plans/net.json'));
    expect(error.format()).toMatch(/^plans\/net\.json: invalid at resource_drift: /);
  });
});

describe('values of unexpected shapes inside a resource', () => {
  it('reads a security group whose ingress list holds null (found by the fuzz test)', () => {
    const plan = JSON.parse(PLAN_TEXT) as {
      resource_drift: { address: string; change: { after: { ingress: unknown[] } } }[];
    };
    const entry = plan.resource_drift.find((drift) => drift.address === 'aws_security_group.web')!;
    entry.change.after.ingress[0] = null;
    const drifts = driftsFromPlan(parsePlan(JSON.stringify(plan), 'plans/net.json'), 'net');
    const group = drifts.find((drift) => drift.address === 'aws_security_group.web')!;
    expect(group.changes.some((change) => change.path[0] === 'ingress')).toBe(true);
  });
});

describe('sensitivity marks of the wrong type fail closed', () => {
  /** The RDS drift's password is marked sensitive in the example plan; break the mark. */
  function planWithPasswordMark(rawMark: string): string {
    const plan = JSON.parse(PLAN_TEXT) as {
      resource_drift: { address: string; change: Record<string, Record<string, unknown>> }[];
    };
    const entry = plan.resource_drift.find((drift) => drift.address === 'aws_db_instance.orders')!;
    entry.change.before_sensitive = { password: '@@RAW@@' };
    entry.change.after_sensitive = { password: '@@RAW@@' };
    return JSON.stringify(plan).replaceAll('"@@RAW@@"', rawMark);
  }

  for (const mark of ['"true"', '1', 'null', '{"x":"yes"}', '["true"]']) {
    it(`rejects the plan when password is marked ${mark}, without printing the value`, () => {
      const error = errorOf(() =>
        driftsFromPlan(parsePlan(planWithPasswordMark(mark), 'plans/db.json'), 'db'),
      );
      expect(error.format()).toMatch(
        /^plans\/db\.json: invalid at resource_drift\[0\]\.change\.before_sensitive/,
      );
      expect(error.format()).not.toContain(SECRET);
    });
  }

  it('treats any mark that is neither false nor a container as sensitive', () => {
    expect(sensitivePathsFromMask({ password: 'true', port: false, tags: { a: 1 } })).toEqual([
      ['password'],
      ['tags', 'a'],
    ]);
    expect(sensitivePathsFromMask(null)).toEqual([[]]);
    expect(sensitivePathsFromMask(undefined)).toEqual([]);
  });
});
