import { describe, expect, it } from 'vitest';
import { setPredicateFor } from '../../src/providers/aws/schema.js';
import { diffValues } from '../../src/drift/diff.js';
import { formatPath } from '../../src/terraform/path.js';

const rule = (port: number, cidrs: string[], description = '') => ({
  cidr_blocks: cidrs,
  description,
  from_port: port,
  to_port: port,
  protocol: 'tcp',
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
});
const sgSets = setPredicateFor('aws_security_group');
const paths = (changes: { path: (string | number)[] }[]) => changes.map((c) => formatPath(c.path));

describe('structural differ', () => {
  it('finds one changed map key as tags.Env', () => {
    const changes = diffValues(
      { tags: { Env: 'prod', Team: 'a' } },
      { tags: { Env: 'dev', Team: 'a' } },
    );
    expect(changes).toEqual([{ path: ['tags', 'Env'], recorded: 'prod', live: 'dev' }]);
  });

  it('reports an added key with an absent recorded value, and treats null and missing alike', () => {
    expect(diffValues({ tags: {} }, { tags: { Owner: 'ops' } })).toEqual([
      { path: ['tags', 'Owner'], recorded: null, live: 'ops' },
    ]);
    expect(diffValues({ a: null }, {})).toEqual([]);
  });

  it('compares sets of blocks as sets: re-ordered ingress rules are not drift', () => {
    const recorded = { ingress: [rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8'])] };
    const live = { ingress: [rule(22, ['10.0.0.0/8']), rule(443, ['0.0.0.0/0'])] };
    expect(diffValues(recorded, live, sgSets)).toEqual([]);
    // Without set semantics the same data is wrongly a change by index.
    expect(diffValues(recorded, live).length).toBeGreaterThan(0);
  });

  it('pairs a changed set element with its most similar live element and recurses into it', () => {
    const recorded = { ingress: [rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8'])] };
    const live = { ingress: [rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8', '0.0.0.0/0'])] };
    const changes = diffValues(recorded, live, sgSets);
    expect(paths(changes)).toEqual(['ingress[1].cidr_blocks']);
    expect(changes[0]).toMatchObject({
      recorded: ['10.0.0.0/8'],
      live: ['0.0.0.0/0', '10.0.0.0/8'],
    });
  });

  it('reports added and removed set elements whole, named by the set, never by an index', () => {
    const recorded = { ingress: [rule(443, ['0.0.0.0/0'])] };
    const live = { ingress: [rule(443, ['0.0.0.0/0']), rule(3389, ['0.0.0.0/0'])] };
    const added = diffValues(recorded, live, sgSets);
    expect(added).toEqual([
      { path: ['ingress'], recorded: null, live: rule(3389, ['0.0.0.0/0']), setElement: 'added' },
    ]);
    const removed = diffValues(live, recorded, sgSets);
    expect(removed).toEqual([
      { path: ['ingress'], recorded: rule(3389, ['0.0.0.0/0']), live: null, setElement: 'removed' },
    ]);
  });

  it('never names an index whose recorded element is not the one that changed', () => {
    // The provider lists the live set in its own order: the new rule comes first, so its
    // live index (0) is the recorded index of an untouched rule.
    const recorded = { ingress: [rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8'], 'SSH')] };
    const live = {
      ingress: [
        rule(3389, ['0.0.0.0/0']),
        rule(22, ['10.0.0.0/8', '0.0.0.0/0'], 'SSH'),
        rule(443, ['0.0.0.0/0']),
      ],
    };
    const changes = diffValues(recorded, live, sgSets);
    expect(changes.map((c) => [formatPath(c.path), c.setElement ?? 'changed'])).toEqual([
      ['ingress[1].cidr_blocks', 'changed'],
      ['ingress', 'added'],
    ]);
    for (const change of changes) {
      const index = change.path[1];
      if (typeof index === 'number')
        expect(change.element?.recorded).toEqual(recorded.ingress[index]);
    }
  });

  it('treats scalar sets without order and lists with order', () => {
    const ids = setPredicateFor('aws_instance');
    expect(
      diffValues(
        { vpc_security_group_ids: ['sg-1', 'sg-2'] },
        { vpc_security_group_ids: ['sg-2', 'sg-1'] },
        ids,
      ),
    ).toEqual([]);
    expect(diffValues({ dns: ['a', 'b'] }, { dns: ['b', 'a'] })).toEqual([
      { path: ['dns'], recorded: ['a', 'b'], live: ['b', 'a'] },
    ]);
  });

  it('recurses into single nested blocks by index', () => {
    const changes = diffValues(
      { root_block_device: [{ volume_size: 20, encrypted: true }] },
      { root_block_device: [{ volume_size: 40, encrypted: true }] },
    );
    expect(paths(changes)).toEqual(['root_block_device[0].volume_size']);
  });
});
