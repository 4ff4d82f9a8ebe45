import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/terraform/plan.js';
import { corpusFiles, corpusText, isPlanFile } from '../support/corpus.js';

const INVALID = 'terraform-json/invalid/plan.json';

/** What each corpus plan holds: drift entries, planned changes, and whether it errored. */
const EXPECTED: Record<
  string,
  { drift: string[]; changes: number; errored?: boolean; hasDrift?: boolean }
> = {
  'terraform-json/013_module_depends_on/plan.json': { drift: [], changes: 3 },
  'terraform-json/110_basic/plan.json': { drift: [], changes: 7 },
  'terraform-json/110_sensitive_values/plan.json': { drift: [], changes: 7 },
  'terraform-json/120_basic/plan.json': { drift: [], changes: 7 },
  'terraform-json/action_reason/plan.json': { drift: [], changes: 1 },
  'terraform-json/actions/plan.json': { drift: [], changes: 0 },
  'terraform-json/basic/plan.json': { drift: [], changes: 8 },
  'terraform-json/config_resource_depends_on/plan.json': { drift: [], changes: 2 },
  'terraform-json/deep_module/plan.json': { drift: [], changes: 1 },
  'terraform-json/explicit_null/plan.json': { drift: [], changes: 3 },
  'terraform-json/has_changes/plan.json': { drift: [], changes: 6 },
  'terraform-json/has_checks/plan.json': { drift: [], changes: 2 },
  'terraform-json/identity/plan.json': { drift: [], changes: 1 },
  'terraform-json/moved_block/plan.json': { drift: [], changes: 1 },
  'terraform-json/nested_config_keys/plan.json': { drift: [], changes: 1 },
  'terraform-json/no_changes/plan.json': { drift: [], changes: 6 },
  'terraform-json/numerics/plan.json': { drift: [], changes: 1 },
  'terraform-json/output_depends_on/plan.json': { drift: [], changes: 2 },
  'terraform-json/provider_version/plan.json': { drift: [], changes: 1 },
  'terraform-json/registry_module/plan.json': { drift: [], changes: 1 },
  'terraform-show-json/basic-create/output.json': { drift: [], changes: 3 },
  'terraform-show-json/basic-delete/output.json': { drift: [], changes: 2 },
  'terraform-show-json/basic-update/output.json': { drift: [], changes: 1 },
  'terraform-show-json/conditions/output-refresh-only.json': { drift: [], changes: 0 },
  'terraform-show-json/conditions/output.json': { drift: [], changes: 2 },
  'terraform-show-json/drift/output.json': {
    drift: ['test_instance.should_refresh'],
    changes: 2,
    hasDrift: true,
  },
  'terraform-show-json/module-depends-on/output.json': { drift: [], changes: 1 },
  'terraform-show-json/modules/output.json': { drift: [], changes: 4 },
  'terraform-show-json/moved-drift/output.json': {
    drift: ['test_instance.should_refresh_with_move'],
    changes: 2,
    hasDrift: true,
  },
  'terraform-show-json/moved/output.json': { drift: [], changes: 1 },
  'terraform-show-json/multi-resource-update/output.json': { drift: [], changes: 2 },
  'terraform-show-json/nested-modules/output.json': { drift: [], changes: 1 },
  'terraform-show-json/plan-error/output.json': { drift: [], changes: 0, errored: true },
  'terraform-show-json/provider-aliasing-conflict/output.json': { drift: [], changes: 2 },
  'terraform-show-json/provider-aliasing-default/output.json': { drift: [], changes: 4 },
  'terraform-show-json/provider-aliasing/output.json': { drift: [], changes: 10 },
  'terraform-show-json/provider-version-no-config/output.json': { drift: [], changes: 3 },
  'terraform-show-json/provider-version/output.json': { drift: [], changes: 3 },
  'terraform-show-json/requires-replace/output.json': { drift: [], changes: 1 },
  'terraform-show-json/sensitive-values/output.json': { drift: [], changes: 1 },
  'terraform-show-json/unknown-output/output.json': { drift: [], changes: 0 },
};

describe('plan JSON reader on the HashiCorp corpus (test/fixtures/corpus)', () => {
  it('finds every plan of the corpus', () => {
    expect(corpusFiles(isPlanFile).sort()).toEqual([...Object.keys(EXPECTED), INVALID].sort());
  });

  for (const [path, expected] of Object.entries(EXPECTED)) {
    it(`reads ${path}`, () => {
      const plan = parsePlan(corpusText(path), path);
      expect(plan.resourceDrift.map((d) => d.address)).toEqual(expected.drift);
      expect(plan.hasDriftSection).toBe(expected.hasDrift ?? false);
      expect(plan.resourceChanges).toHaveLength(expected.changes);
      expect(plan.errored).toBe(expected.errored ?? false);
    });
  }

  it('reads the before and after of a drift entry', () => {
    const plan = parsePlan(corpusText('terraform-show-json/drift/output.json'), 'p');
    expect(plan.resourceDrift[0]!.change).toMatchObject({
      actions: ['update'],
      before: { ami: 'refresh-me', id: 'placeholder' },
      after: { ami: 'refreshed', id: 'placeholder' },
    });
  });

  it("rejects the corpus's invalid plan with a position and without its secrets", () => {
    expect(() => parsePlan(corpusText(INVALID), INVALID)).toThrow(/^not valid JSON \(/);
    try {
      parsePlan(corpusText(INVALID), INVALID);
    } catch (error) {
      expect(String((error as Error).message)).not.toMatch(/PASSWORD|secret/i);
    }
  });

  it('rejects a state given as a plan, and a plan with a bad shape', () => {
    expect(() => parsePlan(corpusText('terraform-json/no_changes/state.json'), 's')).toThrow(
      /of a state, not of a plan/,
    );
    expect(() => parsePlan('{"version": 4, "resources": []}', 's')).toThrow(/not a Terraform plan/);
    expect(() =>
      parsePlan('{"format_version": "1.2", "resource_drift": [{"address": "a.b"}]}', 'p'),
    ).toThrow(/invalid at resource_drift\[0\]\.mode/);
  });
});
