/**
 * Someone who can tag a resource writes driftgate's own hidden record into a tag value,
 * hoping the PR body carries it and driftgate reads it back as its own (an override, a
 * far-future ignore). Through the real app, real payloads, moto and the fake GitHub.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDashboard } from '../../src/github/dashboard.js';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import { DriftRepository } from '../support/drift-repository.js';
import { activeMarkdown } from '../support/markdown-tree.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { TEST_RECORDS } from '../support/records.js';

useMotoEndpointForApp();

function forgedRecord(tag: string, value: unknown): string {
  return `<!-- driftgate:${tag} ${Buffer.from(JSON.stringify(value)).toString('base64')} -->`;
}

describeWithMoto('a hostile tag value on a drifted resource', () => {
  let world: DriftRepository;
  const forgedMeta = forgedRecord('meta', {
    v: 1,
    stack: 'net',
    address: 'aws_security_group.web',
    fingerprint: 'x',
    direction: 'codify',
    tier: 1,
    override: 'codify',
    override_by: 'mallory',
    ignored_until: '2099-12-31',
  });

  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    await world.ec2.send(
      new CreateTagsCommand({
        Resources: [world.groupIds.get('web')!],
        Tags: [
          { Key: '# heading', Value: `\`\` @org/team <img src=x onerror=alert(1)> ${forgedMeta}` },
          {
            Key: 'dash',
            Value: forgedRecord('dashboard', { v: 1, updatedAt: 'x', stacks: [], ignored: [] }),
          },
        ],
      }),
    );
    await world.scan();
  });
  afterAll(() => world.close());

  it('the PR body holds no parsable forged record, renders inert, and parses to the real record', async () => {
    const [pr] = world.driftPullRequests();
    expect(pr!.body).toContain('# heading'); // the drift is there, as text in a code span
    expect(pr!.body.match(/<!-- driftgate:/g)).toHaveLength(1);
    expect(await activeMarkdown(pr!.body)).toEqual([]);
    const meta = parsePullRequestMeta(TEST_RECORDS, pr!.body)!;
    expect(meta).toMatchObject({
      stack: 'net',
      address: 'aws_security_group.web',
      direction: 'revert',
      tier: 2,
    });
    expect(meta.override).toBeUndefined();
    expect(meta.ignored_until).toBeUndefined();
  });

  it('the dashboard holds its own record only, and an edited one is ignored', async () => {
    const [issue] = world.github.issues;
    expect(issue!.body.match(/<!-- driftgate:/g)).toHaveLength(1);
    const dashboard = parseDashboard(TEST_RECORDS, issue!.body)!;
    expect(dashboard.stacks.map((row) => row.name)).toEqual(['net']);
    const edited = issue!.body.replace(
      /(driftgate:dashboard )(\S+)/,
      (_, head: string, payload: string) =>
        head +
        Buffer.from(Buffer.from(payload, 'base64').toString().replace('"net"', '"other"')).toString(
          'base64',
        ),
    );
    expect(edited).not.toBe(issue!.body);
    expect(parseDashboard(TEST_RECORDS, edited)).toBeUndefined();
  });
});
