/**
 * Given security groups changed by a person, by a bot's role, by Terraform's own role, by
 * nobody CloudTrail knows, and one whose code already says what is live, when the stack is
 * scanned with CloudTrail log files in S3, then each drift names its cause — and tier and
 * direction rules keyed on the cause apply.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint, motoS3 } from '../support/moto.js';
import { securityGroup, v4State } from '../support/state-builder.js';
import { cloudTrailRecord } from '../support/cloudtrail.js';

const ACCOUNT = '123456789012';
const NAMES = ['by_person', 'by_bot', 'by_terraform', 'by_nobody', 'stale'] as const;

describeWithMoto('cause of each drift, from CloudTrail log files in S3', () => {
  let dir: string;
  let drifts: Record<
    string,
    {
      cause: string;
      cause_reason: string;
      tier: number;
      direction: string;
      direction_reason: string;
      tier_reason: string;
    }
  >;
  let text: string;

  beforeAll(async () => {
    const ec2 = motoEc2();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.14.0.0/16' }))).Vpc!.VpcId!;
    const ids: Record<string, string> = {};
    let ownerId = '';
    for (const name of NAMES) {
      ids[name] = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `cause-${name}`,
            Description: name,
            VpcId: vpcId,
          }),
        )
      ).GroupId!;
      ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids[name]!] })))
        .SecurityGroups![0]!.OwnerId!;
      await ec2.send(
        new CreateTagsCommand({ Resources: [ids[name]!], Tags: [{ Key: 'Owner', Value: 'ops' }] }),
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'driftgate-cause-'));
    const egress = [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }];
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State(
        NAMES.map((name) =>
          securityGroup(name, {
            id: ids[name]!,
            name: `cause-${name}`,
            description: name,
            vpcId,
            ownerId,
            ingress: [],
            egress,
          }),
        ),
      ),
    );
    // The code: every group as recorded, except `stale`, whose code already has the live tag.
    await writeFile(
      join(dir, 'main.tf'),
      NAMES.map(
        (name) =>
          `resource "aws_security_group" "${name}" {\n  name        = "cause-${name}"\n  description = "${name}"\n  vpc_id      = "${vpcId}"\n${name === 'stale' ? '  tags = {\n    Owner = "ops"\n  }\n' : ''}}\n`,
      ).join('\n'),
    );
    const now = Date.now();
    const at = (minutesAgo: number) =>
      new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const records = [
      cloudTrailRecord({
        kind: 'iam-user',
        name: 'alice',
        resourceId: ids.by_person!,
        time: at(5),
        eventId: 'ev-person',
      }),
      cloudTrailRecord({
        kind: 'role',
        role: 'asg-reconciler',
        session: 'bot-run-7',
        resourceId: ids.by_bot!,
        time: at(4),
        eventId: 'ev-bot',
      }),
      cloudTrailRecord({
        kind: 'role',
        role: 'terraform-apply',
        session: 'feature-branch',
        resourceId: ids.by_terraform!,
        time: at(3),
        eventId: 'ev-tf',
        userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.11.4',
      }),
      cloudTrailRecord({
        kind: 'iam-user',
        name: 'bob',
        resourceId: ids.stale!,
        time: at(2),
        eventId: 'ev-stale',
      }),
    ];
    const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '/');
    const s3 = motoS3();
    await s3.send(new CreateBucketCommand({ Bucket: 'cause-trail' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'cause-trail',
        Key: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day}/${ACCOUNT}_CloudTrail_us-east-1_cause.json.gz`,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
    const config = join(dir, 'driftgate.yml');
    await writeFile(
      config,
      [
        'stacks:',
        '  - name: cause',
        '    dir: .',
        '    environment: dev',
        'attribution:',
        '  source: s3',
        '  s3:',
        '    bucket: cause-trail',
        `    account_id: "${ACCOUNT}"`,
        '  lookback_hours: 24',
        'cause:',
        '  terraform_roles: ["arn:aws:iam::*:role/terraform-*"]',
        'tiers:',
        '  rules:',
        '    - match: { cause: manual }',
        '      tier: 3',
        '      reason: a person changed it by hand',
        'direction_rules:',
        '  - match: { cause: automation }',
        '    direction: codify',
        '    reason: the autoscaler owns this',
        '',
      ].join('\n'),
    );
    const run = async (format: string) => {
      const io = captureIo();
      const code = await runCli(
        ['scan', dir, '--config', config, '--endpoint-url', motoEndpoint(), '--format', format],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      return io.out();
    };
    const report = JSON.parse(await run('json'));
    drifts = Object.fromEntries(
      report.stacks[0].drifts.map((drift: { address: string }) => [
        drift.address.split('.')[1],
        drift,
      ]),
    );
    text = await run('text');
  });

  it('an IAM user is manual, and a tier rule on cause: manual raises it to tier 3', () => {
    expect(drifts.by_person).toMatchObject({ cause: 'manual', tier: 3 });
    expect(drifts.by_person!.cause_reason).toContain('alice');
    expect(drifts.by_person!.tier_reason).toBe('tiers.rules[0]: a person changed it by hand');
  });

  it('a role that is not Terraform is automation, and a direction rule on it codifies', () => {
    expect(drifts.by_bot).toMatchObject({ cause: 'automation', tier: 2, direction: 'codify' });
    expect(drifts.by_bot!.direction_reason).toBe('direction_rules[0]: the autoscaler owns this');
  });

  it('the configured Terraform role is terraform (an apply from outside the default branch)', () => {
    expect(drifts.by_terraform).toMatchObject({ cause: 'terraform', direction: 'revert' });
    expect(drifts.by_terraform!.cause_reason).toContain('terraform-apply');
  });

  it('code that already says what is live is stale-state, codified (never reverted away from the code)', () => {
    expect(drifts.stale).toMatchObject({ cause: 'stale-state', direction: 'codify' });
    expect(drifts.stale!.direction_reason).toMatch(/only the recorded state is behind/);
  });

  it('a change CloudTrail has no record of is unknown', () => {
    expect(drifts.by_nobody).toMatchObject({ cause: 'unknown' });
  });

  it('the text report names the cause', () => {
    expect(text).toMatch(/aws_security_group\.by_bot[\s\S]*cause: automation/);
  });
});
