/**
 * Manual mode on moto: `driftgate revert` and `driftgate undo` from a terminal run the same
 * executor as the app, print every operation with its aws CLI command, and send nothing
 * without a yes.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { scanStackFromFlags } from '../../src/cli/scan.js';
import { captureIo } from '../support/cli.js';
import { writeAppliedRevertRecord } from '../support/ledger.js';
import {
  ALL_EGRESS_RULE,
  RDP,
  SSH,
  SSH_RULE,
  securityGroupTf,
} from '../support/drift-repository.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { securityGroup, v4State } from '../support/state-builder.js';

describeWithMoto('driftgate revert / undo from a terminal', () => {
  const ec2 = motoEc2();
  let dir: string;
  let groupId: string;
  // CloudTrail attribution is off in the config: moto has no LookupEvents.
  const connection = () => [
    '--endpoint-url',
    motoEndpoint(),
    '--region',
    'us-east-1',
    '--config',
    join(dir, '.github', 'driftgate.yml'),
  ];
  const live = async () =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.IpPermissions!.map(
        (permission) => `${permission.IpProtocol}/${permission.FromPort}`,
      )
      .sort();
  const cli = async (args: string[], answer = false) => {
    const io = captureIo();
    const questions: string[] = [];
    const code = await runCli(args, io, async (question) => {
      questions.push(question);
      return answer;
    });
    return { code, out: io.out(), err: io.err(), questions };
  };

  beforeAll(async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
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
    dir = await mkdtemp(join(tmpdir(), 'driftgate-revert-'));
    await writeFile(join(dir, 'main.tf'), securityGroupTf('web'));
    await mkdir(join(dir, '.github'));
    await writeFile(
      join(dir, '.github', 'driftgate.yml'),
      'stacks:\n  - name: edge\n    dir: .\n    environment: prod\nattribution:\n  source: off\n',
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
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
  });

  it('--dry-run prints each operation and its aws CLI command, and sends nothing', async () => {
    const result = await cli([
      'revert',
      dir,
      '--address',
      'aws_security_group.web',
      '--dry-run',
      ...connection(),
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `1. revoke ingress tcp/3389 0.0.0.0/0 on ${groupId} (RevokeSecurityGroupIngress)`,
    );
    expect(result.out).toContain(
      `$ aws ec2 revoke-security-group-ingress --group-id '${groupId}' --ip-permissions`,
    );
    expect(result.out).toContain('dry run: nothing was sent.');
    expect(await live()).toEqual(['tcp/22', 'tcp/3389']);
  });

  it('asks first; "no" sends nothing', async () => {
    const result = await cli(
      ['revert', dir, '--address', 'aws_security_group.web', ...connection()],
      false,
    );
    expect(result.questions).toEqual(['Send 1 operation(s) to AWS?']);
    expect(result.out).toContain('not confirmed: nothing was sent.');
    expect(await live()).toEqual(['tcp/22', 'tcp/3389']);
  });

  it('"yes" applies, verifies, and reports each step', async () => {
    const result = await cli(
      ['revert', dir, '--address', 'aws_security_group.web', ...connection()],
      true,
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/pre-check: live still shows drift [0-9a-f]{16}, as recorded/);
    expect(result.out).toMatch(/ {2}apply {4}RevokeSecurityGroupIngress: ok \d+ ms/);
    expect(result.out).toContain('verification: verified: live now shows no drift');
    expect(await live()).toEqual(['tcp/22']);
  });

  it('driftgate undo LEDGER restores the manual change from an applied revert record', async () => {
    // The record a merged revert PR leaves, as the app writes it.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    const [drift] = (
      await scanStackFromFlags(dir, {
        endpointUrl: motoEndpoint(),
        region: 'us-east-1',
        config: join(dir, '.github', 'driftgate.yml'),
      })
    ).drifts;
    await cli(['revert', dir, '--address', 'aws_security_group.web', '--yes', ...connection()]);
    const ledger = join(dir, 'record.md');
    await writeAppliedRevertRecord(ledger, drift!, groupId, 7);
    expect(await live()).toEqual(['tcp/22']);
    const result = await cli(['undo', ledger, dir, '--yes', ...connection()]);
    expect(result.err).toBe('');
    expect(result.out).toContain('(AuthorizeSecurityGroupIngress)');
    expect(result.out).toMatch(/verification: verified: live now shows drift [0-9a-f]{16}/);
    expect(await live()).toEqual(['tcp/22', 'tcp/3389']);
    expect(await readFile(ledger, 'utf8')).toContain('status: applied');
  });

  it('refuses a record that is not an applied revert, and a file that is not a record', async () => {
    const bad = join(dir, 'bad.md');
    await writeFile(bad, '# just notes\n');
    const result = await cli(['undo', bad, dir, '--yes', ...connection()]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('bad.md: not a driftgate ledger record (no YAML front matter)');
  });
});
