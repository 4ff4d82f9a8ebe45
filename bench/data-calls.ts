/**
 * API calls of the data families' live scan (S3, RDS, ELBv2) for N resources of each type,
 * on moto: N buckets with a policy, public access block, versioning and encryption; N
 * databases; N target groups and one load balancer with one listener. Reports calls by
 * operation next to what a per-resource refresh would send (one read per resource and
 * setting). moto answers every listing in one page, so the paging terms are computed from
 * the APIs' page sizes (RDS 100, ELBv2 400) rather than observed.
 */
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  PutBucketVersioningCommand,
  PutBucketEncryptionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { scanLiveAws } from '../src/cloud/aws/scanner.js';
import { AwsSession } from '../src/cloud/aws/session.js';
import { parseState } from '../src/terraform/state.js';
import { v4State, type BuiltResource } from '../test/support/state-builder.js';

export interface DataCallsRow {
  size: number;
  calls: Record<string, number>;
  refreshCalls: number;
  drifts: number;
}

export async function benchDataCalls(endpoint: string, sizes: number[]): Promise<DataCallsRow[]> {
  const settings = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  const rds = new RDSClient(settings);
  const elb = new ElasticLoadBalancingV2Client(settings);
  const ec2 = new EC2Client(settings);
  const rows: DataCallsRow[] = [];
  for (const size of sizes) {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const resources: BuiltResource[] = [];
    for (let i = 0; i < size; i++) {
      const bucket = `bench-${size}-${i}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: `arn:aws:s3:::${bucket}/*`,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      });
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
      const flags = {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      };
      resources.push(
        {
          type: 'aws_s3_bucket',
          name: `b${i}`,
          attributes: { id: bucket, bucket, tags: {}, tags_all: {} },
        },
        { type: 'aws_s3_bucket_policy', name: `b${i}`, attributes: { id: bucket, bucket, policy } },
        {
          type: 'aws_s3_bucket_public_access_block',
          name: `b${i}`,
          attributes: { id: bucket, bucket, ...flags },
        },
        {
          type: 'aws_s3_bucket_versioning',
          name: `b${i}`,
          attributes: {
            id: bucket,
            bucket,
            versioning_configuration: [{ status: 'Enabled', mfa_delete: '' }],
          },
        },
        {
          type: 'aws_s3_bucket_server_side_encryption_configuration',
          name: `b${i}`,
          attributes: {
            id: bucket,
            bucket,
            rule: [
              {
                apply_server_side_encryption_by_default: [
                  { sse_algorithm: 'AES256', kms_master_key_id: '' },
                ],
                bucket_key_enabled: false,
              },
            ],
          },
        },
      );
      const identifier = `bench-${size}-${i}`;
      const db = (
        await rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: identifier,
            DBInstanceClass: 'db.t3.micro',
            Engine: 'postgres',
            AllocatedStorage: 20,
            MasterUsername: 'bench',
            MasterUserPassword: 'bench-password',
          }),
        )
      ).DBInstance!;
      resources.push({
        type: 'aws_db_instance',
        name: `d${i}`,
        attributes: {
          id: identifier,
          identifier,
          instance_class: 'db.t3.micro',
          allocated_storage: 20,
          publicly_accessible: db.PubliclyAccessible ?? false,
          vpc_security_group_ids: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          backup_retention_period: db.BackupRetentionPeriod,
          deletion_protection: db.DeletionProtection ?? false,
          multi_az: db.MultiAZ ?? false,
          storage_encrypted: db.StorageEncrypted ?? false,
          parameter_group_name: db.DBParameterGroups?.[0]?.DBParameterGroupName ?? null,
          tags: {},
          tags_all: {},
        },
      });
      const group = (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: `b${size}-${i}`,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: vpcId,
          }),
        )
      ).TargetGroups![0]!;
      resources.push({
        type: 'aws_lb_target_group',
        name: `t${i}`,
        attributes: {
          id: group.TargetGroupArn,
          name: group.TargetGroupName,
          port: 80,
          protocol: 'HTTP',
          vpc_id: vpcId,
          target_type: group.TargetType,
          health_check: [
            {
              enabled: group.HealthCheckEnabled,
              healthy_threshold: group.HealthyThresholdCount,
              interval: group.HealthCheckIntervalSeconds,
              matcher: group.Matcher?.HttpCode ?? '',
              path: group.HealthCheckPath ?? '',
              port: group.HealthCheckPort,
              protocol: group.HealthCheckProtocol,
              timeout: group.HealthCheckTimeoutSeconds,
              unhealthy_threshold: group.UnhealthyThresholdCount,
            },
          ],
          tags: {},
          tags_all: {},
        },
      });
    }
    const session = new AwsSession({ region: 'us-east-1', endpoint });
    const result = await scanLiveAws({
      session,
      state: parseState(v4State(resources), 'bench'),
      stack: undefined,
      stackName: 'bench',
    });
    session.destroy();
    rows.push({
      size,
      calls: { ...session.calls },
      refreshCalls: resources.length,
      drifts: result.drifts.length,
    });
  }
  return rows;
}
