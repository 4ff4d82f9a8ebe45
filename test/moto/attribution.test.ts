import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { TEST_ENVIRONMENT } from '../support/records.js';
import { runCli } from '../../src/cli/main.js';
import { scanStackFromFlags } from '../../src/cli/scan.js';
import { renderPullRequestBody } from '../../src/github/pr-body.js';
import { planRevert } from '../../src/remediation/revert.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint, motoS3 } from '../support/moto.js';
import { securityGroup, writeStackFiles } from '../support/state-builder.js';

const ACCOUNT = '123456789012';

/** A CloudTrail record in the format trails deliver, for an SSO user in the console. */
function consoleRecord(
  groupId: string,
  eventTime: string,
  eventName = 'AuthorizeSecurityGroupIngress',
) {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:alice@example.com',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEID',
          arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
          accountId: ACCOUNT,
          userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
        },
        attributes: { creationDate: '2026-11-20T01:58:02Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime,
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.50',
    userAgent: 'AWS Internal',
    requestParameters: {
      groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 3389,
            toPort: 3389,
            ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
          },
        ],
      },
    },
    responseElements: { requestId: 'c5d8f0f4-0000-4000-8000-000000000001', _return: true },
    requestID: 'c5d8f0f4-0000-4000-8000-000000000001',
    eventID: 'e1a2b3c4-0000-4000-8000-000000000001',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    sessionCredentialFromConsole: 'true',
  };
}

describeWithMoto('attribution from CloudTrail log files in S3', () => {
  let dir: string;

  beforeAll(async () => {
    const ec2 = motoEc2();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }),
      )
    ).GroupId!;
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-attr-'));
    await writeStackFiles(dir, [
      securityGroup('web', {
        id: groupId,
        name: 'web',
        description: 'web',
        vpcId,
        ownerId,
        ingress: [],
        egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
      }),
    ]);
    // The manual change, and the trail's record of it (plus an older, unrelated event).
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const now = new Date();
    const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
    const s3 = motoS3();
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-trail' }));
    const logKey = `org/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day}/${ACCOUNT}_CloudTrail_us-east-1_${day.replace(/\//g, '')}T0215Z_abc.json.gz`;
    const records = [
      consoleRecord(
        groupId,
        new Date(now.getTime() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      ),
      {
        ...consoleRecord(
          groupId,
          new Date(now.getTime() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z'),
          'DescribeSecurityGroups',
        ),
        readOnly: true,
      },
    ];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-trail',
        Key: logKey,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
    await mkdir(join(dir, '.github'));
    await writeFile(
      join(dir, '.github/driftgate.yml'),
      `stacks:\n  - name: web\n    dir: .\n    environment: prod\nattribution:\n  source: s3\n  s3:\n    bucket: acme-trail\n    prefix: org\n    account_id: "${ACCOUNT}"\n  lookback_hours: 24\n`,
    );
  });

  it('fills actor, time, event, source IP and console for a change recorded in the trail', async () => {
    const io = captureIo();
    const code = await runCli(
      [
        'scan',
        dir,
        '--config',
        join(dir, '.github/driftgate.yml'),
        '--endpoint-url',
        motoEndpoint(),
        '--format',
        'json',
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const [drift] = JSON.parse(io.out()).stacks[0].drifts;
    expect(drift.address).toBe('aws_security_group.web');
    expect(drift.attribution).toMatchObject({
      actor: 'alice@example.com',
      actorType: 'sso-user',
      eventName: 'AuthorizeSecurityGroupIngress',
      sourceIp: '203.0.113.50',
      via: 'console',
    });
    expect(drift.security.direction).toBe('widening');
  });

  it('degrades to attribution null with a warning when CloudTrail cannot be read', async () => {
    // moto has no LookupEvents: the default source fails, the scan does not.
    const io = captureIo();
    const code = await runCli(
      ['scan', dir, '--endpoint-url', motoEndpoint(), '--format', 'json'],
      io,
    );
    expect(code).toBe(0);
    const stack = JSON.parse(io.out()).stacks[0];
    expect(stack.drifts[0].attribution).toBeNull();
    expect(stack.warnings.join('\n')).toMatch(
      /^attribution unavailable: CloudTrail could not be read/,
    );
  });
  it('says attribution is off in the config (text, JSON, PR body) instead of "CloudTrail did not say"', async () => {
    const offConfig = join(dir, 'attribution-off.yml');
    await writeFile(
      offConfig,
      'stacks:\n  - name: web\n    dir: .\n    environment: prod\nattribution:\n  source: off\n',
    );
    const io = captureIo();
    expect(
      await runCli(['scan', dir, '--config', offConfig, '--endpoint-url', motoEndpoint()], io),
    ).toBe(0);
    expect(io.out()).toContain(
      'by: not looked up: attribution is off in the config (attribution.source: off)',
    );
    const json = captureIo();
    await runCli(
      ['scan', dir, '--config', offConfig, '--endpoint-url', motoEndpoint(), '--format', 'json'],
      json,
    );
    const markdown = captureIo();
    await runCli(
      [
        'scan',
        dir,
        '--config',
        offConfig,
        '--endpoint-url',
        motoEndpoint(),
        '--format',
        'markdown',
      ],
      markdown,
    );
    expect(markdown.out()).toContain('Who: not looked up: attribution is off in the config');
    expect(JSON.parse(json.out()).stacks[0].drifts[0]).toMatchObject({
      attribution: null,
      attribution_skipped: 'off',
    });

    const body = async (config: string | undefined) => {
      const report = await scanStackFromFlags(dir, {
        ...(config ? { config } : {}),
        endpointUrl: motoEndpoint(),
      });
      const [drift] = report.drifts;
      return renderPullRequestBody(TEST_ENVIRONMENT.metadataKey, {
        drift: drift!,
        direction: 'revert',
        tier: 2,
        revert: planRevert(drift!, 'sg-1'),
        codifyDiff: '',
        codifyRefusals: [],
      });
    };
    const off = await body(offConfig);
    expect(off).toContain('attribution is off in the config');
    expect(off).not.toContain('CloudTrail did not say');
    // With attribution on and CloudTrail silent (moto has no LookupEvents), it says that instead.
    expect(await body(undefined)).toContain('CloudTrail did not say');
  });
});
