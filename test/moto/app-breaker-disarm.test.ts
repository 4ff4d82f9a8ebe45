/**
 * The circuit breaker disarms GitHub auto-merge (docs/guardrails.md#circuit-breaker): when a
 * rollback opens a stack's breaker, the auto-merge driftgate armed earlier on the stack's
 * other open tier-1 PRs is disabled, so none of them merges by itself while it is open.
 */
import { DeleteSecurityGroupCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftRepository, labelsOf } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';

useMotoEndpointForApp();

const DEV_TIER_ONE = `tiers:\n  use_defaults: false\n  rules:\n    - match: { environment: dev }\n      tier: 1\n      reason: dev fixes itself\n`;

describeWithMoto('a breaker that opens disarms auto-merge', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({
      environment: 'dev',
      configExtra: DEV_TIER_ONE,
      groups: ['web', 'api'],
      bastion: true,
    });
    world.github.settings.allowAutoMerge = true;
    world.github.settings.requiredChecks = ['ci/test'];
    world.github.permissions.set('maintainer', 'write');
  });
  afterAll(() => world.close());

  it('a rollback in the stack disables auto-merge on its other armed tier-1 PR, and says why', async () => {
    // web: a mixed drift switched to revert, whose restore step cannot succeed (as in app-bounds).
    await world.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: world.groupIds.get('web'),
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            UserIdGroupPairs: [{ GroupId: world.bastionId }],
          },
        ],
      }),
    );
    await world.openRdp('web');
    // api: RDP opened to the internet, a tier-1 revert with auto-merge armed.
    await world.openRdp('api');
    await world.scan();
    const web = world.driftPullRequests().find((pr) => pr.head.ref.endsWith('.web'))!;
    const api = world.driftPullRequests().find((pr) => pr.head.ref.endsWith('.api'))!;
    expect(labelsOf(api)).toContain('driftgate:tier-1');
    expect(api.auto_merge).toEqual({ merge_method: 'squash' });

    await world.comment(web.number, '/driftgate revert', 'maintainer');
    await world.ec2.send(new DeleteSecurityGroupCommand({ GroupId: world.bastionId }));
    world.github.graphql.length = 0;
    await world.mergeAsHuman(web, 'maintainer', ['maintainer']);
    expect(web.comments.at(-1)).toContain('The circuit breaker of stack `net` is now open');

    expect(api.auto_merge).toBeNull();
    expect(world.github.graphql).toEqual([
      { mutation: 'disablePullRequestAutoMerge', variables: { pullRequestId: api.node_id } },
    ]);
    expect(api.comments.at(-1)).toContain(
      'Auto-merge disabled: the circuit breaker of stack `net` is open.',
    );
  });
});
