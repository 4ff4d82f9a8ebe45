import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  attributionOf,
  attributeDrifts,
  LookupEventsSource,
  type CloudTrailRecord,
} from '../../src/cloud/aws/attribution.js';
import { AwsSession } from '../../src/cloud/aws/session.js';
import { buildDrift } from '../../src/drift/build.js';
import type { StateInstance } from '../../src/terraform/state.js';

/** A LookupEvents response as CloudTrail returns it (awsJson1_1), for sg-0123456789abcdef0. */
const recorded = JSON.parse(
  readFileSync('test/fixtures/cloudtrail/lookup-events-security-group.json', 'utf8'),
);
const CLOUDTRAIL = 'https://cloudtrail.us-east-1.amazonaws.com';

const instance = (id: string): StateInstance => ({
  address: `aws_security_group.${id}`,
  module: '',
  mode: 'managed',
  type: 'aws_security_group',
  name: id,
  indexKey: undefined,
  provider: 'aws',
  attributes: { id },
  sensitivePaths: [],
  deposed: [],
});
const drift = (address: string) =>
  buildDrift({
    stack: 's',
    address,
    type: 'aws_security_group',
    action: 'update',
    recorded: { name: 'a' },
    live: { name: 'b' },
    sensitivePaths: [],
    source: 'aws',
  });

describe('CloudTrail record → attribution', () => {
  it('IAM user with the CLI', () => {
    const record = JSON.parse(recorded.Events[0].CloudTrailEvent) as CloudTrailRecord;
    expect(attributionOf(record)).toEqual({
      actor: 'bob',
      actorType: 'iam-user',
      time: '2026-11-20T02:13:44Z',
      eventName: 'RevokeSecurityGroupIngress',
      sourceIp: '198.51.100.23',
      via: 'cli',
      userAgent: expect.stringMatching(/^aws-cli\//),
      // CloudTrail's event id: drifts in several stacks from one event are grouped by it.
      eventId: 'a1b2c3d4-0000-4000-8000-000000000002',
    });
  });

  it('assumed role session (e.g. a break-glass role) and Terraform as the user agent', () => {
    const record: CloudTrailRecord = {
      eventTime: 't',
      eventName: 'CreateTags',
      userAgent:
        'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.60.0',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::1:assumed-role/breakglass/oncall-carol',
        sessionContext: { sessionIssuer: { userName: 'breakglass' } },
      },
    };
    expect(attributionOf(record)).toMatchObject({
      actor: 'breakglass/oncall-carol',
      actorType: 'assumed-role',
      via: 'terraform',
    });
  });
});

describe('LookupEvents source (recorded responses)', () => {
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    delete process.env.AWS_ENDPOINT_URL;
    nock.disableNetConnect();
  });
  afterEach(() => {
    expect(nock.isDone()).toBe(true);
    nock.cleanAll();
  });

  it('finds the newest write on the resource, once per resource, two requests per second at most', async () => {
    // A virtual clock: waiting advances it, so the spacing CloudTrail would see is exact
    // whatever the machine's load.
    let virtualMs = 1_000_000;
    const clock = {
      now: () => virtualMs,
      sleep: async (ms: number) => {
        virtualMs += ms;
      },
    };
    const seen: number[] = [];
    nock(CLOUDTRAIL)
      .post('/', (body) => body.LookupAttributes?.[0]?.AttributeValue === 'sg-0123456789abcdef0')
      .reply(200, () => {
        seen.push(clock.now());
        return recorded;
      })
      .post('/', (body) => body.LookupAttributes?.[0]?.AttributeValue === 'sg-0fedcba9876543210')
      .reply(200, () => {
        seen.push(clock.now());
        return { Events: [] };
      });
    const session = new AwsSession({ region: 'us-east-1' });
    const source = new LookupEventsSource(session, 168, undefined, 500, clock);
    const instances = new Map([
      ['aws_security_group.sg-0123456789abcdef0', instance('sg-0123456789abcdef0')],
      [
        'aws_security_group.again',
        { ...instance('sg-0123456789abcdef0'), address: 'aws_security_group.again' },
      ],
      ['aws_security_group.sg-0fedcba9876543210', instance('sg-0fedcba9876543210')],
    ]);
    const result = await attributeDrifts([...instances.keys()].map(drift), instances, source);
    expect(result.warnings).toEqual([]);
    expect(result.drifts.map((d) => d.attribution?.eventName ?? null)).toEqual([
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
      null,
    ]);
    expect(session.calls['cloudtrail:LookupEvents']).toBe(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(450);
  });

  it('turns an access error into a warning and keeps the drifts', async () => {
    nock(CLOUDTRAIL).post('/').reply(400, {
      __type: 'AccessDeniedException',
      message: 'not authorized to perform cloudtrail:LookupEvents',
    });
    const session = new AwsSession({ region: 'us-east-1', maxAttempts: 1 });
    const instances = new Map([['aws_security_group.a', instance('sg-0123456789abcdef0')]]);
    const result = await attributeDrifts(
      [drift('aws_security_group.a')],
      instances,
      new LookupEventsSource(session, 24),
    );
    expect(result.drifts[0]!.attribution).toBeNull();
    expect(result.warnings[0]).toContain('AccessDeniedException');
  });
});
