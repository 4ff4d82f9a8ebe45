import { describe, expect, it } from 'vitest';
import { compareAddresses } from '../../src/terraform/address.js';
import { parseState } from '../../src/terraform/state.js';
import { DriftgateError } from '../../src/errors.js';
import { corpusFiles, corpusText, isStateFile } from '../support/corpus.js';

/** `terraform state list` for each state in the corpus: Terraform's sort (module depth, data first, keys). */
const EXPECTED_STATE_LIST: Record<string, string[]> = {
  'terraform-json/110_sensitive_values/state.json': [
    'null_resource.bar',
    'null_resource.baz[0]',
    'null_resource.baz[1]',
    'null_resource.baz[2]',
    'null_resource.foo',
    'module.foo.null_resource.aliased',
    'module.foo.null_resource.foo',
  ],
  'terraform-json/110_sensitive_values/terraform.tfstate': [
    'null_resource.bar',
    'null_resource.baz[0]',
    'null_resource.baz[1]',
    'null_resource.baz[2]',
    'null_resource.foo',
    'module.foo.null_resource.aliased',
    'module.foo.null_resource.foo',
  ],
  'terraform-json/config_resource_depends_on/terraform.tfstate': [
    'null_resource.bar',
    'null_resource.foo',
  ],
  'terraform-json/has_changes/terraform.tfstate': [
    'data.null_data_source.baz',
    'null_resource.bar',
    'null_resource.baz[0]',
    'null_resource.baz[1]',
    'null_resource.baz[2]',
    'null_resource.foo',
    'module.foo.null_resource.foo',
  ],
  'terraform-json/has_checks/state.json': [
    'module.files.local_file.foo["file1.txt"]',
    'module.files.local_file.foo["file2.txt"]',
  ],
  'terraform-json/identity/state.json': ['corner_bigint.number', 'corner_user.user'],
  'terraform-json/moved_block/show.json': ['random_id.test'],
  'terraform-json/no_changes/state.json': [
    'data.null_data_source.baz',
    'null_resource.bar',
    'null_resource.baz[0]',
    'null_resource.baz[1]',
    'null_resource.baz[2]',
    'null_resource.foo',
    'module.foo.null_resource.foo',
  ],
  'terraform-json/no_changes/terraform.tfstate': [
    'data.null_data_source.baz',
    'null_resource.bar',
    'null_resource.baz[0]',
    'null_resource.baz[1]',
    'null_resource.baz[2]',
    'null_resource.foo',
    'module.foo.null_resource.foo',
  ],
  'terraform-show-json/basic-delete/terraform.tfstate': [
    'test_instance.test',
    'test_instance.test-delete',
  ],
  'terraform-show-json/basic-update/terraform.tfstate': ['test_instance.test'],
  'terraform-show-json/conditions/for-refresh.tfstate': ['test_instance.bar', 'test_instance.foo'],
  'terraform-show-json/drift/terraform.tfstate': [
    'test_instance.no_refresh',
    'test_instance.should_refresh',
  ],
  'terraform-show-json/moved-drift/terraform.tfstate': [
    'test_instance.no_refresh',
    'test_instance.should_refresh',
  ],
  'terraform-show-json/moved/terraform.tfstate': ['test_instance.foo'],
  'terraform-show-json/multi-resource-update/terraform.tfstate': ['test_instance.test'],
  'terraform-show-json/requires-replace/terraform.tfstate': ['test_instance.test'],
};

const INVALID = 'terraform-json/invalid/state.json';

describe('state reader on the HashiCorp corpus (test/fixtures/corpus)', () => {
  const files = corpusFiles(isStateFile);

  it('finds every state file of the corpus', () => {
    expect(files.sort()).toEqual([...Object.keys(EXPECTED_STATE_LIST), INVALID].sort());
  });

  for (const path of Object.keys(EXPECTED_STATE_LIST)) {
    it(`lists ${path} as terraform state list does`, () => {
      const state = parseState(corpusText(path), path);
      expect(state.instances.map((i) => i.address).sort(compareAddresses)).toEqual(
        EXPECTED_STATE_LIST[path],
      );
    });
  }

  it("gives the same addresses for a v4 state and Terraform's own show -json of it", () => {
    for (const dir of ['terraform-json/no_changes', 'terraform-json/110_sensitive_values']) {
      const v4 = parseState(corpusText(`${dir}/terraform.tfstate`), 'v4');
      const shown = parseState(corpusText(`${dir}/state.json`), 'shown');
      expect(v4.instances.map((i) => i.address).sort()).toEqual(
        shown.instances.map((i) => i.address).sort(),
      );
    }
  });

  it('reads serial, lineage, index keys, modules and sensitive attribute paths', () => {
    const state = parseState(corpusText('terraform-show-json/conditions/for-refresh.tfstate'), 'x');
    expect(state.format).toBe('v4');
    expect(state.instances[0]!.sensitivePaths).toEqual([['password']]);
    const sensitive = parseState(
      corpusText('terraform-json/110_sensitive_values/terraform.tfstate'),
      'x',
    );
    expect(sensitive.serial).toBe(8);
    expect(sensitive.lineage).toBe('fa0debfe-854c-b885-a355-bbb09fa86dde');
    const baz = sensitive.instances.filter((i) => i.name === 'baz');
    expect(baz.map((i) => i.indexKey)).toEqual([0, 1, 2]);
    expect(sensitive.instances.find((i) => i.name === 'aliased')!.module).toBe('module.foo');
  });

  it("rejects the corpus's invalid state with a position and without echoing its secret", () => {
    const error = (() => {
      try {
        parseState(corpusText(INVALID), INVALID);
      } catch (e) {
        return e;
      }
    })() as DriftgateError;
    expect(error).toBeInstanceOf(DriftgateError);
    expect(error.format()).toMatch(/^terraform-json\/invalid\/state\.json: not valid JSON \(/);
    expect(error.format()).not.toContain('PASSWORD123');
  });
});

describe('state reader edge cases', () => {
  it('rejects state versions other than 4 with a clear reason', () => {
    expect(() => parseState('{"version": 3, "serial": 1, "modules": []}', 'old.tfstate')).toThrow(
      /^state format version 3 is not supported/,
    );
  });

  it('names the bad field of a structurally wrong state', () => {
    expect(() =>
      parseState(
        '{"version": 4, "serial": 1, "lineage": "x", "resources": [{"mode": "managed"}]}',
        's.tfstate',
      ),
    ).toThrow(/^invalid at resources\[0\]\.type/);
  });

  it('keeps deposed objects on their instance instead of listing them twice', () => {
    const text = JSON.stringify({
      version: 4,
      serial: 3,
      lineage: 'l',
      terraform_version: '1.9.0',
      resources: [
        {
          mode: 'managed',
          type: 'aws_instance',
          name: 'web',
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [
            { schema_version: 1, attributes: { id: 'i-new' } },
            { schema_version: 1, deposed: '00000001', attributes: { id: 'i-old' } },
          ],
        },
        {
          module: 'module.net["eu"]',
          mode: 'managed',
          type: 'aws_subnet',
          name: 'a',
          each: 'map',
          provider: 'p',
          instances: [
            { index_key: 'b', attributes: {} },
            { index_key: 'a', attributes: {} },
          ],
        },
      ],
    });
    const state = parseState(text, 't');
    expect(state.instances.map((i) => i.address).sort(compareAddresses)).toEqual([
      'aws_instance.web',
      'module.net["eu"].aws_subnet.a["a"]',
      'module.net["eu"].aws_subnet.a["b"]',
    ]);
    expect(state.instances[0]!.deposed).toEqual(['00000001']);
    expect(state.instances[0]!.attributes).toEqual({ id: 'i-new' });
  });

  it('sorts like Terraform: shallower modules first, data before managed, int keys before string keys', () => {
    const addresses = [
      'module.a.x.y',
      'x.b',
      'data.z.a',
      'x.a["k"]',
      'x.a[10]',
      'x.a[2]',
      'x.a',
      'module.a.module.b.x.y',
      'module.a[1].x.y',
      'module.a[0].x.y',
    ];
    expect([...addresses].sort(compareAddresses)).toEqual([
      'data.z.a',
      'x.a',
      'x.a[2]',
      'x.a[10]',
      'x.a["k"]',
      'x.b',
      'module.a.x.y',
      'module.a[0].x.y',
      'module.a[1].x.y',
      'module.a.module.b.x.y',
    ]);
  });
});
