import { describe, expect, it } from 'vitest';
import { DESCRIBED_RESOURCE_TYPES, setPredicateFor } from '../../../src/providers/aws/schema.js';
import { RESOURCE_FAMILIES } from '../../../src/cloud/aws/scanner.js';
import { diffValues } from '../../../src/drift/diff.js';
import {
  AWS_RESOURCE_BLOCKS,
  blockSchemaAt,
  setBlockPaths,
} from '../../../src/providers/aws/blocks.js';

describe("the AWS provider's nested-block table", () => {
  it('has an entry for every resource type driftgate names (scanner families and the schema table)', () => {
    const named = [
      ...RESOURCE_FAMILIES.flatMap((family) => family.types),
      ...DESCRIBED_RESOURCE_TYPES,
    ];
    expect(named.filter((type) => !(type in AWS_RESOURCE_BLOCKS))).toEqual([]);
  });

  it('gives the provider’s kinds: single blocks, sets, attributes-as-blocks, computed-only arguments', () => {
    expect(blockSchemaAt('aws_instance', ['metadata_options'])).toMatchObject({
      nesting: 'list',
      maxItems: 1,
    });
    expect(blockSchemaAt('aws_instance', ['root_block_device'])?.computedOnly).toContain(
      'volume_id',
    );
    expect(blockSchemaAt('aws_instance', ['ebs_block_device'])?.nesting).toBe('set');
    expect(blockSchemaAt('aws_security_group', ['ingress'])).toMatchObject({
      nesting: 'set',
      attributesAsBlocks: true,
    });
    expect(
      blockSchemaAt('aws_autoscaling_group', [
        'mixed_instances_policy',
        'launch_template',
        'override',
      ]),
    ).toMatchObject({ nesting: 'list' });
    expect(blockSchemaAt('aws_vpc', ['cidr_block'])).toBeUndefined();
    expect(setBlockPaths('aws_autoscaling_group')).toEqual(
      expect.arrayContaining(['tag', 'initial_lifecycle_hook', 'traffic_source']),
    );
  });

  it('makes the differ treat set-nested blocks as sets: re-ordered ASG tags are no drift', () => {
    const tag = (key: string, value: string) => ({ key, value, propagate_at_launch: true });
    const recorded = { tag: [tag('Team', 'a'), tag('Env', 'prod')] };
    expect(
      diffValues(
        recorded,
        { tag: [tag('Env', 'prod'), tag('Team', 'a')] },
        setPredicateFor('aws_autoscaling_group'),
      ),
    ).toEqual([]);
    // A changed tag is found by content, not by position.
    expect(
      diffValues(
        recorded,
        { tag: [tag('Env', 'prod'), tag('Team', 'b')] },
        setPredicateFor('aws_autoscaling_group'),
      ).map((change) => change.path),
    ).toEqual([['tag', 0, 'value']]);
  });
});
