/**
 * Codify of an IAM policy on moto: given a role policy written as `jsonencode({...})` and a
 * statement added to it by hand, when `driftgate codify --write` runs, then the code says
 * the live document in HCL object syntax, and once applied (state rebuilt from the
 * codified value, as `terraform apply` would record it) the stack scans clean.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { canonicalJson } from '../../src/drift/canonical.js';
import { literalValueOf } from '../../src/terraform/hcl-syntax.js';
import { buildStack } from '../../src/terraform/stack.js';
import { captureIo } from '../support/cli.js';
import { formatHcl } from '../support/formatter.js';
import { describeWithMoto, motoEndpoint } from '../support/moto.js';
import { v4State, type BuiltResource } from '../support/state-builder.js';

const ACCOUNT = '123456789012';
const suffix = Math.random().toString(36).slice(2, 8);
const ROLE = `codify-${suffix}`;

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const READ = {
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
};
const DELETE = {
  Sid: 'CleanUp',
  Effect: 'Allow',
  Action: 's3:DeleteObject',
  Resource: 'arn:aws:s3:::data/tmp/*',
  Condition: { Bool: { 'aws:SecureTransport': 'true' } },
};

const CODE = `resource "aws_iam_role" "app" {
  name = "${ROLE}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "ec2.amazonaws.com" }
      },
    ]
  })
}

resource "aws_iam_role_policy" "read" {
  name = "read"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]
      },
    ]
  })
}
`;

/** State as `terraform apply` records it: jsonencode writes keys sorted, compact. */
function stateFor(rolePolicy: string): BuiltResource[] {
  return [
    {
      type: 'aws_iam_role',
      name: 'app',
      attributes: {
        id: ROLE,
        name: ROLE,
        arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
        path: '/',
        assume_role_policy: canonicalJson(TRUST),
        permissions_boundary: '',
        tags: {},
        tags_all: {},
      },
    },
    {
      type: 'aws_iam_role_policy',
      name: 'read',
      attributes: { id: `${ROLE}:read`, role: ROLE, name: 'read', policy: rolePolicy },
    },
  ];
}

/** What `jsonencode(...)` of the role policy in `text` evaluates to, as Terraform writes it. */
async function appliedPolicy(dir: string, text: string): Promise<string> {
  const stack = await buildStack(dir, [{ path: join(dir, 'main.tf'), text }]);
  const block = stack.resources.find((r) => r.address === 'aws_iam_role_policy.read')!.block;
  const policy = block.attributes.find((attribute) => attribute.name === 'policy')!.value;
  if (policy.kind !== 'computed' || policy.call?.name !== 'jsonencode')
    throw new Error(`policy is not jsonencode(...): ${policy.text}`);
  return canonicalJson(literalValueOf(policy.call.args[0]!));
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

describeWithMoto('codify of an IAM role policy (moto)', () => {
  it('a statement added by hand is codified into jsonencode, and the codified stack scans clean', async () => {
    const client = new IAMClient({
      endpoint: motoEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(
      new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(TRUST) }),
    );
    const recorded = { Version: '2012-10-17', Statement: [READ] };
    await client.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify(recorded),
      }),
    );
    const dir = await mkdtemp(join(tmpdir(), 'driftgate-iam-codify-'));
    await writeFile(join(dir, 'main.tf'), CODE);
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State(stateFor(await appliedPolicy(dir, CODE))),
    );
    expect((await scan(dir)).stack.drifts).toEqual([]);

    // A console user adds a statement.
    await client.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({ ...recorded, Statement: [READ, DELETE] }),
      }),
    );
    const drifted = await scan(dir);
    expect(drifted.stack.drifts.map((drift: { address: string }) => drift.address)).toEqual([
      'aws_iam_role_policy.read',
    ]);

    const codified = await cli(['codify', dir, '--write']);
    expect(codified.err).toBe('');
    expect(codified.code).toBe(0);
    const text = await readFile(join(dir, 'main.tf'), 'utf8');
    expect(text).toContain(`      {
        Sid      = "CleanUp"
        Effect   = "Allow"
        Action   = "s3:DeleteObject"
        Resource = "arn:aws:s3:::data/tmp/*"
        Condition = {
          Bool = {
            "aws:SecureTransport" = "true"
          }
        }
      },
`);
    expect(formatHcl(text)).toBe(text);
    // The role's block is byte for byte what it was.
    expect(text.slice(0, text.indexOf('resource "aws_iam_role_policy"'))).toBe(
      CODE.slice(0, CODE.indexOf('resource "aws_iam_role_policy"')),
    );

    // Applied: state records what the codified jsonencode evaluates to; live is unchanged.
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State(stateFor(await appliedPolicy(dir, text)), 2),
    );
    const after = await scan(dir);
    expect(after.stack.drifts).toEqual([]);
    expect(after.code).toBe(0);
  });
});
