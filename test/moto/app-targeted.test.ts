/**
 * Event-driven, targeted rescans: `repository_dispatch` naming resources (ids or addresses)
 * reads and reconciles only those; PRs of other resources are left alone, the dashboard
 * keeps its full-scan rows, and a burst of events for the same resources is one scan.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftRepository } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { examplePayload } from '../support/probot.js';

useMotoEndpointForApp();

describeWithMoto('targeted rescans from change events', () => {
  let world: DriftRepository;
  const dispatch = (resources: string[]) =>
    world.deliver('repository_dispatch', {
      ...examplePayload('repository_dispatch'),
      action: 'driftgate-scan',
      client_payload: { resources },
    });

  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod', groups: ['web', 'api'] });
  });
  afterAll(() => world.close());

  it('a dispatch naming one security group by id scans and opens a PR for that group only', async () => {
    await world.openRdp('web');
    await world.openRdp('api');
    await dispatch([world.groupIds.get('web')!]);
    expect(world.driftPullRequests().map((pr) => pr.head.ref)).toEqual([
      'driftgate/net/aws_security_group.web',
    ]);
    // Only the named group was read from AWS, and the dashboard waits for a full scan.
    expect(world.github.issues).toEqual([]);
  });

  it('by address too; the other resource’s PR is not closed although the targeted scan did not see it', async () => {
    await dispatch(['aws_security_group.api']);
    expect(
      world
        .driftPullRequests()
        .map((pr) => pr.head.ref)
        .sort(),
    ).toEqual(['driftgate/net/aws_security_group.api', 'driftgate/net/aws_security_group.web']);
    await world.closeRdp('web');
    await dispatch(['aws_security_group.api']);
    expect(world.driftPullRequests()).toHaveLength(2);
    // A targeted scan of web itself closes its PR: its drift is gone.
    await dispatch(['aws_security_group.web']);
    expect(world.driftPullRequests().map((pr) => pr.head.ref)).toEqual([
      'driftgate/net/aws_security_group.api',
    ]);
  });

  it('a burst of events for the same resource is one scan', async () => {
    const before = world.github.requests.filter((request) => request.includes('/contents/.github'));
    await Promise.all(
      Array.from({ length: 5 }, () =>
        world.app.receive({
          id: String(Math.random()),
          name: 'repository_dispatch',
          payload: {
            ...examplePayload('repository_dispatch'),
            action: 'driftgate-scan',
            client_payload: { resources: ['aws_security_group.api'] },
            repository: world.repository,
            installation: world.installation,
          },
        } as never),
      ),
    );
    const after = world.github.requests.filter((request) => request.includes('/contents/.github'));
    // Each scan reads the config once: one scan for the five events.
    expect(after.length - before.length).toBe(1);
  });
});
