/**
 * The IAM family's calls against an endpoint that pages as IAM does (MaxItems capped at
 * 1,000, Marker, IsTruncated): every page is read, and the scan costs ⌈N/1000⌉ calls for
 * N roles — not one per resource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLiveAws } from '../../src/cloud/aws/scanner.js';
import { AwsSession } from '../../src/cloud/aws/session.js';
import { parseState } from '../../src/terraform/state.js';
import { iamState, startIamEndpoint } from '../support/paged-iam.js';
import { v4State } from '../support/state-builder.js';

const saved = { ...process.env };
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  delete process.env.AWS_ENDPOINT_URL;
});
afterAll(() => {
  process.env = saved;
});

async function scanRoles(roles: number, inState: number) {
  const { server, endpoint } = await startIamEndpoint(roles);
  try {
    const session = new AwsSession({ region: 'us-east-1', endpoint });
    const result = await scanLiveAws({
      session,
      state: parseState(v4State(iamState(inState)), 'paging'),
      stack: undefined,
      stackName: 'paging',
    });
    session.destroy();
    return { calls: { ...session.calls }, drifts: result.drifts };
  } finally {
    server.close();
  }
}

describe('IAM: GetAccountAuthorizationDetails paged', () => {
  it('2,500 roles with inline policies: 3 calls, every page read, no drift', async () => {
    const { calls, drifts } = await scanRoles(2500, 2500);
    expect(calls).toEqual({ 'iam:GetAccountAuthorizationDetails': 3 });
    expect(calls['iam:GetAccountAuthorizationDetails']).toBeLessThanOrEqual(
      Math.ceil(2500 / 1000) + 2,
    );
    // A role on the last page is found: none is reported deleted.
    expect(drifts).toEqual([]);
  });

  it('a role in state that IAM no longer has is deleted (the listing is complete)', async () => {
    const { calls, drifts } = await scanRoles(1000, 1001);
    expect(calls).toEqual({ 'iam:GetAccountAuthorizationDetails': 1 });
    expect(drifts.map((drift) => [drift.address, drift.action])).toEqual([
      ['aws_iam_role.r1000', 'delete'],
      ['aws_iam_role_policy.r1000', 'delete'],
    ]);
  });
});
