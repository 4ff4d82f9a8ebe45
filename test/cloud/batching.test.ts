import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanLiveAws } from '../../src/cloud/aws/scanner.js';
import { AwsSession } from '../../src/cloud/aws/session.js';
import { parseState } from '../../src/terraform/state.js';
import { securityGroup, v4State } from '../support/state-builder.js';

/**
 * How many EC2 calls a scan makes for N groups, against an EC2 endpoint that pages like
 * EC2 does (MaxResults per page, NextToken). moto ignores MaxResults, so paging is
 * checked here on the wire with recorded-format XML responses.
 */
const EC2 = 'https://ec2.us-east-1.amazonaws.com';

function groupXml(id: string): string {
  return `<item><ownerId>123456789012</ownerId><groupId>${id}</groupId><groupName>${id}</groupName><groupDescription>d</groupDescription><vpcId>vpc-1</vpcId><ipPermissions/><ipPermissionsEgress/></item>`;
}

/** nock hands form bodies over as text or as an already-parsed object. */
function formParams(body: unknown): URLSearchParams {
  return typeof body === 'string'
    ? new URLSearchParams(body)
    : new URLSearchParams(body as Record<string, string>);
}

function pagedEc2(ids: string[]) {
  const calls: { maxResults: number; filtered: boolean }[] = [];
  nock(EC2)
    .persist()
    .post('/', (body) => formParams(body).get('Action') === 'DescribeSecurityGroups')
    .reply(200, (_uri, body) => {
      const params = formParams(body);
      const maxResults = Number(params.get('MaxResults'));
      const filterValues = [...params.entries()]
        .filter(([key]) => /^Filter\.1\.Value\.\d+$/.test(key))
        .map(([, value]) => value);
      calls.push({ maxResults, filtered: filterValues.length > 0 });
      const matching = filterValues.length ? ids.filter((id) => filterValues.includes(id)) : ids;
      const start = Number(params.get('NextToken') ?? 0);
      const page = matching.slice(start, start + maxResults);
      const next =
        start + maxResults < matching.length ? `<nextToken>${start + maxResults}</nextToken>` : '';
      return `<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><securityGroupInfo>${page.map(groupXml).join('')}</securityGroupInfo>${next}</DescribeSecurityGroupsResponse>`;
    });
  return calls;
}

function stateOf(ids: string[]) {
  return parseState(
    v4State(
      ids.map((id) =>
        securityGroup(id, {
          id,
          name: id,
          description: 'd',
          vpcId: 'vpc-1',
          ownerId: '123456789012',
          ingress: [],
          egress: [],
        }),
      ),
    ),
    'bench',
  );
}

describe('batched reads', () => {
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    delete process.env.AWS_ENDPOINT_URL;
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  const ids = (n: number) =>
    [...Array(n).keys()].map((i) => `sg-${i.toString(16).padStart(17, '0')}`);

  for (const [groups, expected] of [
    [150, 1],
    [1000, 5],
    [2500, 3],
    [5000, 5],
  ] as const) {
    it(`${groups} groups → ${expected} DescribeSecurityGroups calls (never one per group)`, async () => {
      const all = ids(groups);
      const calls = pagedEc2(all);
      const session = new AwsSession({ region: 'us-east-1' });
      const result = await scanLiveAws({
        session,
        state: stateOf(all),
        stack: undefined,
        stackName: 's',
      });
      expect(result.drifts).toEqual([]);
      expect(session.calls['ec2:DescribeSecurityGroups']).toBe(expected);
      expect(calls.every((call) => call.maxResults === 1000)).toBe(true);
      // Up to 1,000 groups: filtered by id in chunks of 200; beyond, one listing of ⌈N/1000⌉ pages.
      expect(calls.every((call) => call.filtered === groups <= 1000)).toBe(true);
    });
  }
});
