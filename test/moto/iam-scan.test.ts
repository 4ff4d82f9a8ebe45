/**
 * The IAM family on moto: a stack of roles, policies and attachments built with the SDK,
 * state written as the provider records it (documents written differently from what IAM
 * returns), then manual changes a console user would make.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEndpoint } from '../support/moto.js';
import { type BuiltResource, writeStackFiles } from '../support/state-builder.js';

const ACCOUNT = '123456789012';
const suffix = Math.random().toString(36).slice(2, 8);
const ROLE = `app-${suffix}`;
const USER = `ci-${suffix}`;

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const READ_BUCKET = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
    },
  ],
};
const LOGS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }],
};

function iam(): IAMClient {
  return new IAMClient({
    endpoint: motoEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** The same grants written the way people write HCL: lists re-ordered, one-element lists. */
const asWrittenInCode = {
  trust: JSON.stringify({
    Version: '2012-10-17',
    Statement: {
      Action: ['sts:AssumeRole'],
      Principal: { Service: ['ec2.amazonaws.com'] },
      Effect: 'Allow',
    },
  }),
  readBucket: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::data'],
        Action: ['s3:ListBucket', 's3:GetObject'],
        Effect: 'Allow',
      },
    ],
  }),
  logs: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: ['*'] }],
  }),
};

async function createStack(client: IAMClient): Promise<{ dir: string; policyArn: string }> {
  await client.send(
    new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(TRUST) }),
  );
  await client.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'read-bucket',
      PolicyDocument: JSON.stringify(READ_BUCKET),
    }),
  );
  const policyArn = (
    await client.send(
      new CreatePolicyCommand({
        PolicyName: `logs-${suffix}`,
        PolicyDocument: JSON.stringify(LOGS),
      }),
    )
  ).Policy!.Arn!;
  await client.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: policyArn }));
  await client.send(new CreateUserCommand({ UserName: USER }));
  await client.send(
    new PutUserPolicyCommand({
      UserName: USER,
      PolicyName: 'logs',
      PolicyDocument: JSON.stringify(LOGS),
    }),
  );
  await client.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: policyArn }));

  const resources: BuiltResource[] = [
    {
      type: 'aws_iam_role',
      name: 'app',
      attributes: {
        id: ROLE,
        name: ROLE,
        arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
        path: '/',
        assume_role_policy: asWrittenInCode.trust,
        permissions_boundary: '',
        managed_policy_arns: [policyArn],
        inline_policy: [{ name: 'read-bucket', policy: asWrittenInCode.readBucket }],
        tags: {},
        tags_all: {},
      },
    },
    {
      type: 'aws_iam_role_policy',
      name: 'read_bucket',
      attributes: {
        id: `${ROLE}:read-bucket`,
        role: ROLE,
        name: 'read-bucket',
        policy: asWrittenInCode.readBucket,
      },
    },
    {
      type: 'aws_iam_policy',
      name: 'logs',
      attributes: {
        id: policyArn,
        arn: policyArn,
        name: `logs-${suffix}`,
        path: '/',
        description: '',
        policy: asWrittenInCode.logs,
      },
    },
    {
      type: 'aws_iam_role_policy_attachment',
      name: 'logs',
      attributes: { id: `${ROLE}-logs`, role: ROLE, policy_arn: policyArn },
    },
    {
      type: 'aws_iam_user_policy',
      name: 'ci_logs',
      attributes: { id: `${USER}:logs`, user: USER, name: 'logs', policy: asWrittenInCode.logs },
    },
    {
      type: 'aws_iam_user_policy_attachment',
      name: 'ci_logs',
      attributes: { id: `${USER}-logs`, user: USER, policy_arn: policyArn },
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-iam-'));
  await writeStackFiles(dir, resources);
  return { dir, policyArn };
}

async function cli(args: string[]) {
  const io = captureIo();
  const code = await runCli(
    [...args, '--endpoint-url', motoEndpoint(), '--region', 'eu-west-1'],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

async function scan(dir: string) {
  const result = await cli(['scan', dir, '--format', 'json', '--detailed-exitcode']);
  if (result.code === 1) throw new Error(result.err);
  return { code: result.code, stack: JSON.parse(result.out).stacks[0] };
}

describeWithMoto('IAM family (GetAccountAuthorizationDetails on moto)', () => {
  const client = iam();
  let dir: string;

  beforeAll(async () => {
    ({ dir } = await createStack(client));
  });

  it('an untouched stack is clean: documents compared as the provider does, in one paged call', async () => {
    const { code, stack } = await scan(dir);
    expect(stack.drifts).toEqual([]);
    expect(stack.not_scanned).toEqual([]);
    expect(code).toBe(0);
    // One listing for every IAM resource (roles, users, policies): ⌈N/1000⌉ pages.
    expect(stack.stats.api_calls).toEqual({ 'iam:GetAccountAuthorizationDetails': 1 });
  });

  it('reports exactly the manual changes, each widening, tier 2', async () => {
    // 1. A statement added to the inline policy.
    await client.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'read-bucket',
        PolicyDocument: JSON.stringify({
          ...READ_BUCKET,
          Statement: [
            ...READ_BUCKET.Statement,
            { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/*' },
          ],
        }),
      }),
    );
    // 2. A managed policy attached by hand (no resource in state owns it).
    const adminArn = (
      await client.send(
        new CreatePolicyCommand({
          PolicyName: `admin-${suffix}`,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        }),
      )
    ).Policy!.Arn!;
    await client.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: adminArn }));
    // 3. The trust policy broadened to any principal.
    await client.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: ROLE,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com', AWS: '*' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );

    const { code, stack } = await scan(dir);
    expect(code).toBe(2);
    const summary = stack.drifts.map(
      (drift: {
        address: string;
        tier: number;
        security: { direction: string };
        changes: { path: string; set_element?: string }[];
      }) => ({
        address: drift.address,
        tier: drift.tier,
        direction: drift.security.direction,
        paths: drift.changes.map((change) => change.path).sort(),
      }),
    );
    expect(summary).toEqual([
      {
        address: 'aws_iam_role.app',
        tier: 2,
        direction: 'widening',
        paths: ['assume_role_policy', 'managed_policy_arns'],
      },
      {
        address: 'aws_iam_role_policy.read_bucket',
        tier: 2,
        direction: 'widening',
        paths: ['policy'],
      },
    ]);
    const [role, inline] = stack.drifts;
    expect(role.security.explanation).toMatch(
      new RegExp(
        `^the change granted attached arn:aws:iam::\\d{12}:policy/admin-${suffix} \\(and 1 more\\); reverting would take it away$`,
      ),
    );
    expect(inline.security.explanation).toBe(
      'the change granted a new action: s3:deleteobject on arn:aws:s3:::data/* (policy read-bucket); reverting would take it away',
    );
    // Attribution asks CloudTrail too; IAM itself is still one listing.
    expect(stack.stats.api_calls['iam:GetAccountAuthorizationDetails']).toBe(1);
  });

  it('reverts the inline policy, the trust policy and the unmanaged attachment by API', async () => {
    for (const address of ['aws_iam_role_policy.read_bucket', 'aws_iam_role.app']) {
      const result = await cli(['revert', dir, '--address', address, '--yes']);
      expect(result.err).toBe('');
      expect(result.out).toContain('verification: verified: live now shows no drift');
    }
    const inline = await client.send(
      new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'read-bucket' }),
    );
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!)).Statement).toHaveLength(1);
    const attached = await client.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
    expect(attached.AttachedPolicies!.map((policy) => policy.PolicyName)).toEqual([
      `logs-${suffix}`,
    ]);
    const { code, stack } = await scan(dir);
    expect(stack.drifts).toEqual([]);
    expect(code).toBe(0);
  });
});
