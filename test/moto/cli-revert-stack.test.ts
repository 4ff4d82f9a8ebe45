/**
 * `driftgate revert` / `undo` from a terminal act on the stack the directory is, as the app
 * does on merge: its region and roles (the allow-list enforced), the same ledger record
 * with its outcome (so `driftgate log` lists it and `driftgate undo` undoes it), inverse
 * operations printed with their aws commands, and messages that fit a terminal.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { runCliConfirmed } from '../support/cli.js';
import {
  ALL_EGRESS_RULE,
  RDP,
  SSH,
  SSH_RULE,
  securityGroupTf,
} from '../support/drift-repository.js';
import { describeWithMoto, motoEndpoint } from '../support/moto.js';
import { securityGroup, v4State } from '../support/state-builder.js';

const REGION = 'eu-west-1';
const READ_ROLE = 'arn:aws:iam::123456789012:role/driftgate-read';
const APPLY_ROLE = 'arn:aws:iam::123456789012:role/driftgate-apply';

describeWithMoto('driftgate revert / undo use the stack the directory is', () => {
  let ec2: EC2Client;
  let dir: string;
  let groupId: string;
  const savedAllowList = process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
  afterEach(() => {
    if (savedAllowList === undefined) delete process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
    else process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = savedAllowList;
  });
  // No --region and no --stack: both come from the stack matched by directory.
  const connection = (config = 'driftgate.yml') => [
    '--endpoint-url',
    motoEndpoint(),
    '--config',
    join(dir, '.github', config),
  ];
  const live = async () =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.IpPermissions!.map(
        (permission) => `${permission.IpProtocol}/${permission.FromPort}`,
      )
      .sort();
  const cli = runCliConfirmed;
  const ledgerFiles = async () =>
    (await readdir(join(dir, '.driftgate', 'ledger', 'edge-eu')).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.md'))
      // The revert's record first, then its undo's.
      .sort((a, b) => a.length - b.length);

  beforeAll(async () => {
    ec2 = new EC2Client({
      endpoint: motoEndpoint(),
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc!.VpcId!;
    groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'Web tier', VpcId: vpcId }),
      )
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] }),
    );
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-revert-stack-'));
    await writeFile(join(dir, 'main.tf'), securityGroupTf('web'));
    await mkdir(join(dir, '.github'));
    const stack = `stacks:\n  - name: edge-eu\n    dir: .\n    environment: prod\n    aws:\n      region: ${REGION}\n`;
    await writeFile(join(dir, '.github', 'driftgate.yml'), `${stack}attribution:\n  source: off\n`);
    await writeFile(
      join(dir, '.github', 'roles.yml'),
      `${stack}      role: ${READ_ROLE}\n      apply_role: ${APPLY_ROLE}\nattribution:\n  source: off\n`,
    );
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State([
        securityGroup('web', {
          id: groupId,
          name: 'web',
          description: 'Web tier',
          vpcId,
          ownerId,
          ingress: [SSH_RULE],
          egress: [ALL_EGRESS_RULE],
        }),
      ]),
    );
  });

  it('refuses an apply_role outside the allow-list before sending anything', async () => {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = READ_ROLE;
    const result = await cli([
      'revert',
      dir,
      '--address',
      'aws_security_group.web',
      '--yes',
      ...connection('roles.yml'),
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`role ${APPLY_ROLE} is not in the allow-list`);
    expect(await live()).toEqual(['tcp/22', 'tcp/3389']);
    expect(await ledgerFiles()).toEqual([]);
  });

  it('reverts in the stack region with its roles, and writes the ledger record with its outcome', async () => {
    process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = `${READ_ROLE},${APPLY_ROLE}`;
    const result = await cli([
      'revert',
      dir,
      '--address',
      'aws_security_group.web',
      '--yes',
      ...connection('roles.yml'),
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`(drift `);
    expect(result.out).toMatch(
      new RegExp(
        `\\$ aws ec2 revoke-security-group-ingress --group-id '${groupId}' --ip-permissions '.*' --region '${REGION}'`,
      ),
    );
    expect(result.out).toContain('verification: verified: live now shows no drift');
    expect(await live()).toEqual(['tcp/22']);

    const [file] = await ledgerFiles();
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{16}\.md$/);
    const path = join(dir, '.driftgate', 'ledger', 'edge-eu', file!);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('status: applied');
    expect(text).toContain('via: cli');
    expect(text).toContain('api: RevokeSecurityGroupIngress');
    expect(result.out).toContain(`ledger record written to ${path}`);
    expect(result.out).toContain(`$ git -C '${dir}' add '.driftgate/ledger/edge-eu/${file}'`);

    const log = await cli(['log', '--repo', dir]);
    expect(log.out).toMatch(
      /edge-eu {2}aws_security_group\.web {2}revert {2}tier \d {2}drift [0-9a-f]{16} .*applied, run from a terminal by /,
    );
  });

  it('undo of that record prints the inverse operations truthfully with their aws commands, and restores the change', async () => {
    const [file] = await ledgerFiles();
    const record = join(dir, '.driftgate', 'ledger', 'edge-eu', file!);
    const result = await cli(['undo', record, dir, '--yes', ...connection()]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `1. authorize ingress tcp/3389 0.0.0.0/0 on ${groupId} (AuthorizeSecurityGroupIngress)`,
    );
    expect(result.out).not.toMatch(/revoke/i);
    expect(result.out).toMatch(
      new RegExp(
        `\\$ aws ec2 authorize-security-group-ingress --cli-input-json '\\{"GroupId":"${groupId}".*\\}' --region '${REGION}'`,
      ),
    );
    expect(result.out).toMatch(/verification: verified: live now shows drift [0-9a-f]{16}/);
    expect(await live()).toEqual(['tcp/22', 'tcp/3389']);
    expect(await ledgerFiles()).toEqual([file, file!.replace(/\.md$/, '-undo.md')]);
    const log = await cli(['log', '--repo', dir]);
    expect(log.out).toContain(`undo of ${file}`);
  });

  it('an undo that finds live changed says so in terminal terms, not PR terms', async () => {
    // Someone changes the group again by hand: live is no longer what the revert left.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ ...SSH, FromPort: 8080, ToPort: 8080 }],
      }),
    );
    const [file] = await ledgerFiles();
    const record = join(dir, '.driftgate', 'ledger', 'edge-eu', file!);
    const result = await cli(['undo', record, dir, '--yes', ...connection()]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /pre-check: live changed since the revert was applied: expected no drift, found drift [0-9a-f]{16}; nothing applied/,
    );
    expect(result.out).not.toContain('PR');
    expect(await live()).toEqual(['tcp/22', 'tcp/3389', 'tcp/8080']);
  });
});
