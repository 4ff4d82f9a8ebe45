import { describe, expect, it } from 'vitest';
import { execute, inverseOperation, type PlannedOperation } from '../../src/remediation/execute.js';
import { aDrift } from '../support/drift-builder.js';

const revoke: PlannedOperation = {
  api: 'RevokeSecurityGroupIngress',
  params: {
    GroupId: 'sg-1',
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ],
  },
  description: 'revoke ingress tcp/3389',
};
const tags: PlannedOperation = {
  api: 'CreateTags',
  params: {
    Resources: ['sg-1'],
    Tags: [
      { Key: 'Owner', Value: 'net' },
      { Key: 'Env', Value: 'prod' },
    ],
  },
};

describe('inverse operations (what a rollback sends)', () => {
  it('swaps authorize and revoke with the same rule, and says what the inverse really does', () => {
    expect(inverseOperation(revoke, new Map())).toEqual([
      {
        api: 'AuthorizeSecurityGroupIngress',
        params: revoke.params,
        description: 'authorize ingress tcp/3389 0.0.0.0/0 on sg-1',
        inverse: {
          api: 'RevokeSecurityGroupIngress',
          params: revoke.params,
          description: 'revoke ingress tcp/3389 0.0.0.0/0 on sg-1',
        },
      },
    ]);
  });
  it('puts tags back to their pre-image: restored where they had a value, removed where they had none', () => {
    expect(inverseOperation(tags, new Map([['tags.Owner', 'alice']]))).toEqual([
      expect.objectContaining({
        api: 'CreateTags',
        params: { Resources: ['sg-1'], Tags: [{ Key: 'Owner', Value: 'alice' }] },
      }),
      expect.objectContaining({
        api: 'DeleteTags',
        params: { Resources: ['sg-1'], Tags: [{ Key: 'Env' }] },
      }),
    ]);
  });
  it('flips a boolean attribute back', () => {
    expect(
      inverseOperation(
        {
          api: 'ModifyVpcAttribute',
          params: { VpcId: 'vpc-1', EnableDnsSupport: { Value: true } },
        },
        new Map(),
      )[0]!.params,
    ).toEqual({ VpcId: 'vpc-1', EnableDnsSupport: { Value: false } });
  });
  it('refuses an operation it does not know how to undo', () => {
    expect(() => inverseOperation({ api: 'TerminateInstances', params: {} }, new Map())).toThrow(
      'no inverse known for TerminateInstances',
    );
  });
});

/** A tiny world: live is a drift or clean; operations move it. */
function world(initial: string | undefined, failOn?: string) {
  const sent: string[] = [];
  let live = initial;
  return {
    sent,
    ports: {
      detect: async () =>
        live ? aDrift('aws_security_group.web', [], { fingerprint: live }) : undefined,
      send: async (operation: PlannedOperation) => {
        sent.push(operation.api);
        if (operation.api === failOn) throw new Error('InvalidGroup.NotFound');
        live = operation.api.startsWith('Revoke') ? undefined : 'f1';
      },
    },
  };
}

describe('execute', () => {
  const plan = {
    operations: [revoke],
    before: { kind: 'drift' as const, fingerprint: 'f1' },
    after: { kind: 'clean' as const },
    preImage: new Map(),
  };

  it('applies and verifies', async () => {
    const w = world('f1');
    const report = await execute(plan, w.ports);
    expect(report.status).toBe('applied');
    expect(w.sent).toEqual(['RevokeSecurityGroupIngress']);
  });

  it('applies nothing when live changed since the PR (another fingerprint)', async () => {
    const w = world('f2');
    const report = await execute(plan, w.ports);
    expect(report.status).toBe('precheck-failed');
    expect(report.precheck).toContain('expected drift f1, found drift f2');
    expect(w.sent).toEqual([]);
  });

  it('applies nothing when live already matches the goal', async () => {
    const w = world(undefined);
    expect((await execute(plan, w.ports)).status).toBe('nothing-to-do');
    expect(w.sent).toEqual([]);
  });

  it('rolls back the applied operations, newest first, when a later one fails', async () => {
    const w = world('f1', 'AuthorizeSecurityGroupIngress');
    const failing: PlannedOperation = {
      api: 'AuthorizeSecurityGroupIngress',
      params: { GroupId: 'sg-1' },
    };
    const report = await execute({ ...plan, operations: [revoke, failing] }, w.ports);
    // The rollback of the revoke is itself an authorize, which this world also fails.
    expect(w.sent).toEqual([
      'RevokeSecurityGroupIngress',
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupIngress',
    ]);
    expect(report.status).toBe('rollback-failed');
    expect(report.verification).toContain('ROLLBACK INCOMPLETE');
  });
});
