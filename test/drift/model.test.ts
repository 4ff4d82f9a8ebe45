import { describe, expect, it } from 'vitest';
import { buildDrift } from '../../src/drift/build.js';
import { applyIgnoreChanges, applyIgnoreRules } from '../../src/drift/ignore.js';
import { SENSITIVE } from '../../src/drift/model.js';
import { setPredicateFor } from '../../src/providers/aws/schema.js';
import { formatPath } from '../../src/terraform/path.js';

const base = {
  stack: 'prod-network',
  address: 'aws_db_instance.orders',
  type: 'aws_db_instance',
  action: 'update' as const,
  source: 'plan' as const,
  sensitivePaths: [['password']],
};

describe('drift fingerprint', () => {
  it('is stable: the same drift built twice, with keys in another order, has the same fingerprint', () => {
    const a = buildDrift({
      ...base,
      recorded: { instance_class: 'db.t4g.medium', port: 5432 },
      live: { port: 5432, instance_class: 'db.t4g.large' },
    });
    const b = buildDrift({
      ...base,
      recorded: { port: 5432, instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.large', port: 5432 },
    });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('changes when the live value, the stack or the address changes', () => {
    const a = buildDrift({
      ...base,
      recorded: { instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.large' },
    });
    const otherLive = buildDrift({
      ...base,
      recorded: { instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.xlarge' },
    });
    const otherStack = buildDrift({
      ...base,
      stack: 'staging',
      recorded: { instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.large' },
    });
    const otherAddress = buildDrift({
      ...base,
      address: 'aws_db_instance.x',
      recorded: { instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.large' },
    });
    expect(new Set([a, otherLive, otherStack, otherAddress].map((d) => d.fingerprint)).size).toBe(
      4,
    );
  });

  it('is a known value for a known drift (regression guard across machines)', () => {
    const drift = buildDrift({
      ...base,
      recorded: { instance_class: 'db.t4g.medium' },
      live: { instance_class: 'db.t4g.large' },
    });
    // The first 16 hex digits of sha256 over the canonical JSON
    // {"action":"update","address":"aws_db_instance.orders","changes":[{"live":"db.t4g.large","path":"instance_class","recorded":"db.t4g.medium"}],"stack":"prod-network","v":1},
    // computed independently with Python's json.dumps(sort_keys=True, separators=(',', ':')).
    // Existing PRs are matched by fingerprint, so this must never change silently.
    expect(drift.fingerprint).toBe('4a1ac256f513ddcd');
  });
});

describe('masking sensitive values', () => {
  it('replaces a sensitive changed value on both sides', () => {
    const drift = buildDrift({
      ...base,
      recorded: { password: 'hunter2' },
      live: { password: 'rotated!' },
    });
    expect(drift.changes).toEqual([
      { path: ['password'], recorded: SENSITIVE, live: SENSITIVE, sensitive: true },
    ]);
    expect(JSON.stringify(drift)).not.toMatch(/hunter2|rotated!/);
  });

  it('masks secrets nested inside a larger changed value', () => {
    const drift = buildDrift({
      ...base,
      sensitivePaths: [['user', 0, 'password']],
      recorded: { user: [] },
      live: { user: [{ name: 'admin', password: 'p@ss' }] },
    });
    expect(JSON.stringify(drift)).not.toContain('p@ss');
    expect(drift.changes[0]!.live).toEqual([{ name: 'admin', password: SENSITIVE }]);
  });

  it('does not let a secret reach the fingerprint: two different secrets give one fingerprint', () => {
    const a = buildDrift({ ...base, recorded: { password: 'a' }, live: { password: 'b' } });
    const b = buildDrift({ ...base, recorded: { password: 'a' }, live: { password: 'c' } });
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('ignore rules', () => {
  const drift = buildDrift({
    ...base,
    address: 'aws_security_group.web',
    type: 'aws_security_group',
    sensitivePaths: [],
    recorded: { tags: { LastScanned: '1', Owner: 'a' }, description: 'x' },
    live: { tags: { LastScanned: '2', Owner: 'b' }, description: 'y' },
  });
  const now = new Date('2026-11-24T12:00:00Z');

  it('drops the listed attributes and re-fingerprints what remains', () => {
    const { drifts } = applyIgnoreRules(
      [drift],
      [{ address: 'aws_security_group.*', attributes: ['tags.LastScanned'] }],
      now,
    );
    expect(drifts[0]!.changes.map((c) => formatPath(c.path))).toEqual([
      'description',
      'tags.Owner',
    ]);
    expect(drifts[0]!.fingerprint).not.toBe(drift.fingerprint);
  });

  it('drops a whole resource when no attributes are listed, and a drift whose every change is ignored', () => {
    expect(applyIgnoreRules([drift], [{ address: 'aws_security_group.web' }], now).drifts).toEqual(
      [],
    );
    expect(
      applyIgnoreRules([drift], [{ address: '*', attributes: ['tags', 'description'] }], now)
        .drifts,
    ).toEqual([]);
  });

  it('stops applying a rule after its until date and says so', () => {
    const outcome = applyIgnoreRules(
      [drift],
      [{ address: 'aws_security_group.web', until: '2026-11-23', reason: 'migration' }],
      now,
    );
    expect(outcome.drifts).toHaveLength(1);
    expect(outcome.expiredRules).toHaveLength(1);
    const sameDay = applyIgnoreRules(
      [drift],
      [{ address: 'aws_security_group.web', until: '2026-11-24' }],
      now,
    );
    expect(sameDay.drifts).toEqual([]);
  });

  it('applies lifecycle.ignore_changes paths and `all`, but never hides a deletion', () => {
    expect(applyIgnoreChanges(drift, [['tags']])!.changes.map((c) => formatPath(c.path))).toEqual([
      'description',
    ]);
    expect(applyIgnoreChanges(drift, 'all')).toBeUndefined();
    const deleted = buildDrift({ ...base, action: 'delete', recorded: {}, live: null });
    expect(applyIgnoreChanges(deleted, 'all')).toBe(deleted);
  });
});

describe('set elements in drift', () => {
  const rule = (port: number, cidrs: string[]) => ({
    cidr_blocks: cidrs,
    description: '',
    from_port: port,
    to_port: port,
    protocol: 'tcp',
    ipv6_cidr_blocks: [],
    prefix_list_ids: [],
    security_groups: [],
    self: false,
  });
  const group = (ingress: unknown[]) =>
    buildDrift({
      stack: 'prod-network',
      address: 'aws_security_group.web',
      type: 'aws_security_group',
      action: 'update',
      source: 'aws',
      sensitivePaths: [],
      recorded: { ingress: ingress.slice(0, 3) },
      live: { ingress: ingress.slice(3) },
      isSet: setPredicateFor('aws_security_group'),
    });

  it('has a fingerprint that does not depend on the order of the set on either side', () => {
    const a = rule(443, ['0.0.0.0/0']);
    const b = rule(22, ['10.0.0.0/8', '192.168.0.0/16']);
    const c = rule(8080, ['10.1.0.0/16']);
    const bWidened = rule(22, ['0.0.0.0/0', '192.168.0.0/16']);
    const added = rule(3389, ['0.0.0.0/0']);
    const first = group([a, b, c, added, bWidened, a]);
    // The same sets, listed in other orders (state rewritten, the API sorting differently).
    const second = group([
      b,
      c,
      a,
      { ...a },
      added,
      { ...bWidened, cidr_blocks: ['192.168.0.0/16', '0.0.0.0/0'] },
    ]);
    expect(first.changes.length).toBe(3);
    expect(second.fingerprint).toBe(first.fingerprint);
    // ...and the paths differ only in the recorded index, which names the changed rule.
    for (const drift of [first, second]) {
      const inside = drift.changes.find((change) => change.element)!;
      expect(inside.element!.recorded).toEqual(b);
    }
    expect(
      first.changes.filter((change) => change.setElement).map((change) => change.setElement),
    ).toEqual(['removed', 'added']);
  });
});
