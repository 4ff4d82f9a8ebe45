/**
 * RDS and ELBv2 on moto: a database, an application load balancer with an HTTPS listener
 * and a target group, recorded as the provider records them, are clean; a database made
 * public, a listener's certificate changed and a health check path changed are reported
 * with their direction and tier 3, and revert is refused (advisory) with the reason.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateDBInstanceCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { beforeAll, expect, it } from 'vitest';
import { runCliConfirmed } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { STATE_ONLY_CODE, tags, v4State } from '../support/state-builder.js';

interface ReportedDrift {
  address: string;
  tier: number;
  tier_reason: string;
  security: { direction: string; explanation: string } | null;
  changes: { path: string; recorded: unknown; live: unknown }[];
}

const settings = () => ({
  endpoint: motoEndpoint(),
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/**
 * A self-signed certificate IAM accepts (moto parses the PEM), made with the Python
 * `cryptography` package that moto itself depends on: no openssl binary needed.
 */
function selfSigned(_dir: string, name: string): { body: string; key: string } {
  const script = `
import datetime, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sys.argv[1] + ".example.com")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
  .public_key(key.public_key()).serial_number(x509.random_serial_number())
  .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
  .sign(key, hashes.SHA256()))
print(json.dumps({
  "body": cert.public_bytes(serialization.Encoding.PEM).decode(),
  "key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
    serialization.NoEncryption()).decode(),
}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, name]).toString()) as {
    body: string;
    key: string;
  };
}

describeWithMoto('RDS and ELBv2 families: database, load balancer, listener, target group', () => {
  const ec2 = motoEc2();
  let dir: string;
  let rds: RDSClient;
  let elb: ElasticLoadBalancingV2Client;
  let listenerArn: string;
  let groupArn: string;
  let otherCertificate: string;

  const connection = () => [
    '--endpoint-url',
    motoEndpoint(),
    '--region',
    'us-east-1',
    '--config',
    join(dir, '.github', 'driftgate.yml'),
  ];
  const cli = runCliConfirmed;
  const scan = async () => {
    const result = await cli(['scan', dir, '--format', 'json', ...connection()]);
    if (result.code !== 0 && result.code !== 2) throw new Error(result.err);
    const stack = JSON.parse(result.out).stacks[0];
    return {
      drifts: Object.fromEntries((stack.drifts as ReportedDrift[]).map((d) => [d.address, d])),
      calls: stack.stats.api_calls as Record<string, number>,
    };
  };

  beforeAll(async () => {
    rds = new RDSClient(settings());
    elb = new ElasticLoadBalancingV2Client(settings());
    const iam = new IAMClient(settings());
    dir = await mkdtemp(join(tmpdir(), 'driftgate-rds-elb-'));
    const certificates = [];
    for (const name of ['site', 'other']) {
      const { body, key } = selfSigned(dir, name);
      certificates.push(
        (
          await iam.send(
            new UploadServerCertificateCommand({
              ServerCertificateName: name,
              CertificateBody: body,
              PrivateKey: key,
            }),
          )
        ).ServerCertificateMetadata!.Arn!,
      );
    }
    otherCertificate = certificates[1]!;

    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const subnets = [];
    for (const [index, zone] of ['us-east-1a', 'us-east-1b'].entries())
      subnets.push(
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: `10.9.${index}.0/24`,
              AvailabilityZone: zone,
            }),
          )
        ).Subnet!.SubnetId!,
      );
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: 'db',
          Description: 'db',
          VpcId: vpcId,
        }),
      )
    ).GroupId!;

    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'admin',
        MasterUserPassword: 'not-a-secret-1',
        PubliclyAccessible: false,
        VpcSecurityGroupIds: [groupId],
        BackupRetentionPeriod: 7,
        DeletionProtection: true,
        MultiAZ: false,
        StorageEncrypted: true,
        Tags: [{ Key: 'Team', Value: 'orders' }],
      }),
    );
    const db = (
      await rds.send(
        new (await import('@aws-sdk/client-rds')).DescribeDBInstancesCommand({
          DBInstanceIdentifier: 'orders',
        }),
      )
    ).DBInstances![0]!;

    const lb = (
      await elb.send(
        new CreateLoadBalancerCommand({
          Name: 'web',
          Subnets: subnets,
          SecurityGroups: [groupId],
          Scheme: 'internet-facing',
          Type: 'application',
          Tags: [{ Key: 'Team', Value: 'web' }],
        }),
      )
    ).LoadBalancers![0]!;
    const group = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'web',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: vpcId,
          TargetType: 'instance',
          HealthCheckEnabled: true,
          HealthCheckPath: '/health',
          HealthCheckProtocol: 'HTTP',
          HealthCheckPort: 'traffic-port',
          HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 3,
          UnhealthyThresholdCount: 3,
          Matcher: { HttpCode: '200' },
        }),
      )
    ).TargetGroups![0]!;
    groupArn = group.TargetGroupArn!;
    const listener = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTPS',
          Port: 443,
          SslPolicy: 'ELBSecurityPolicy-2016-08',
          Certificates: [{ CertificateArn: certificates[0] }],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }],
        }),
      )
    ).Listeners![0]!;
    listenerArn = listener.ListenerArn!;

    const resources = [
      {
        type: 'aws_db_instance',
        name: 'orders',
        attributes: {
          id: db.DbiResourceId ?? 'orders',
          identifier: 'orders',
          instance_class: 'db.t3.micro',
          engine: 'postgres',
          allocated_storage: 20,
          publicly_accessible: false,
          vpc_security_group_ids: [groupId],
          backup_retention_period: 7,
          deletion_protection: true,
          multi_az: false,
          storage_encrypted: true,
          parameter_group_name: db.DBParameterGroups?.[0]?.DBParameterGroupName ?? null,
          password: 'not-a-secret-1',
          ...tags({ Team: 'orders' }),
        },
      },
      {
        type: 'aws_lb',
        name: 'web',
        attributes: {
          id: lb.LoadBalancerArn,
          arn: lb.LoadBalancerArn,
          name: 'web',
          internal: false,
          load_balancer_type: 'application',
          ip_address_type: 'ipv4',
          security_groups: [groupId],
          subnets: [...subnets].reverse(),
          ...tags({ Team: 'web' }),
        },
      },
      {
        type: 'aws_lb_target_group',
        name: 'web',
        attributes: {
          id: groupArn,
          arn: groupArn,
          name: 'web',
          port: 8080,
          protocol: 'HTTP',
          vpc_id: vpcId,
          target_type: 'instance',
          health_check: [
            {
              enabled: true,
              healthy_threshold: 3,
              interval: 30,
              matcher: '200',
              path: '/health',
              port: 'traffic-port',
              protocol: 'HTTP',
              timeout: 5,
              unhealthy_threshold: 3,
            },
          ],
          ...tags({}),
        },
      },
      {
        type: 'aws_lb_listener',
        name: 'https',
        attributes: {
          id: listenerArn,
          arn: listenerArn,
          load_balancer_arn: lb.LoadBalancerArn,
          port: 443,
          protocol: 'HTTPS',
          ssl_policy: 'ELBSecurityPolicy-2016-08',
          certificate_arn: certificates[0],
          default_action: [
            {
              type: 'forward',
              target_group_arn: groupArn,
              order: 1,
              forward: [],
              redirect: [],
              fixed_response: [],
              authenticate_cognito: [],
              authenticate_oidc: [],
            },
          ],
          ...tags({}),
        },
      },
    ];
    await writeFile(join(dir, 'terraform.tfstate'), v4State(resources));
    await writeFile(join(dir, 'main.tf'), STATE_ONLY_CODE);
    await mkdir(join(dir, '.github'));
    await writeFile(
      join(dir, '.github', 'driftgate.yml'),
      'stacks:\n  - name: edge\n    dir: .\n    environment: staging\nattribution:\n  source: off\n',
    );
  });

  it('is clean when nothing changed (subnet order, absent strings), with batched calls', async () => {
    const { drifts, calls } = await scan();
    expect(drifts).toEqual({});
    expect(calls).toEqual({
      'rds:DescribeDBInstances': 1,
      'elasticloadbalancing:DescribeLoadBalancers': 1,
      'elasticloadbalancing:DescribeTargetGroups': 1,
      'elasticloadbalancing:DescribeListeners': 1,
      'elasticloadbalancing:DescribeTags': 1,
    });
  });

  it('reports a database made public, a new certificate and a new health check path as tier 3, and refuses to revert them', async () => {
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'orders',
        PubliclyAccessible: true,
        ApplyImmediately: true,
      }),
    );
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        Certificates: [{ CertificateArn: otherCertificate }],
      }),
    );
    await elb.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: groupArn, HealthCheckPath: '/ready' }),
    );

    const { drifts } = await scan();
    expect(Object.keys(drifts).sort()).toEqual([
      'aws_db_instance.orders',
      'aws_lb_listener.https',
      'aws_lb_target_group.web',
    ]);
    const db = drifts['aws_db_instance.orders']!;
    expect(db.changes).toEqual([{ path: 'publicly_accessible', recorded: false, live: true }]);
    expect(db.security).toEqual({
      direction: 'widening',
      explanation: 'the change made the database publicly accessible; reverting would close it',
    });
    expect(drifts['aws_lb_listener.https']!.changes).toEqual([
      {
        path: 'certificate_arn',
        recorded: expect.stringContaining('server-certificate/site'),
        live: otherCertificate,
      },
    ]);
    expect(drifts['aws_lb_target_group.web']!.changes).toEqual([
      { path: 'health_check[0].path', recorded: '/health', live: '/ready' },
    ]);
    for (const drift of Object.values(drifts)) {
      expect(drift.tier).toBe(3);
      expect(drift.tier_reason).toBe(
        'built-in rule: database or load balancer (advisory: never executed)',
      );
    }

    const refused = await cli([
      'revert',
      dir,
      '--address',
      'aws_lb_listener.https',
      '--yes',
      ...connection(),
    ]);
    expect(refused.out).toContain(
      'a listener is tier 3 (advisory): driftgate never executes changes to it',
    );
    expect((await scan()).drifts['aws_lb_listener.https']).toBeDefined();
  });
});
