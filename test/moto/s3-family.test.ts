/**
 * The S3 family on moto: a bucket with tags, a policy, a public access block, versioning and
 * default encryption, recorded as the provider records them, is clean; manual changes are
 * reported with their direction and tier; `driftgate revert` puts each back by API.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { equivalentPolicies } from '../../src/providers/aws/policy-document.js';
import { runCliConfirmed } from '../support/cli.js';
import { describeWithMoto, motoEndpoint, motoS3 } from '../support/moto.js';
import { STATE_ONLY_CODE, tags, v4State, type BuiltResource } from '../support/state-builder.js';

const READER = 'arn:aws:iam::123456789012:role/reader';
/** What S3 is given: one statement, the principal as a one-element list. */
const POLICY_SENT = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Read',
      Effect: 'Allow',
      Principal: { AWS: [READER] },
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::BUCKET/*'],
    },
  ],
};

interface Change {
  path: string;
  recorded: unknown;
  live: unknown;
}
interface ReportedDrift {
  address: string;
  action: string;
  tier: number;
  security: { direction: string; explanation: string } | null;
  changes: Change[];
}

describeWithMoto(
  'S3 family: bucket tags, policy, public access block, versioning, encryption',
  () => {
    const s3 = motoS3();
    const bucketNames = ['dg-data-a', 'dg-data-b'];
    let dir: string;

    const policyFor = (bucket: string) => JSON.stringify(POLICY_SENT).replace('BUCKET', bucket);
    /** As the provider records it: keys in another order, single values as strings. */
    const recordedPolicyFor = (bucket: string) =>
      JSON.stringify({
        Statement: {
          Resource: `arn:aws:s3:::${bucket}/*`,
          Action: 's3:GetObject',
          Principal: { AWS: READER },
          Effect: 'Allow',
          Sid: 'Read',
        },
        Version: '2012-10-17',
      });

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
        drifts: Object.fromEntries(
          (stack.drifts as ReportedDrift[]).map((drift) => [drift.address, drift]),
        ),
        calls: stack.stats.api_calls as Record<string, number>,
      };
    };

    beforeAll(async () => {
      const resources: BuiltResource[] = [];
      for (const [index, bucket] of bucketNames.entries()) {
        const name = `b${index}`;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(
          new PutBucketTaggingCommand({
            Bucket: bucket,
            Tagging: { TagSet: [{ Key: 'Team', Value: 'data' }] },
          }),
        );
        await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket) }));
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
        resources.push(
          {
            type: 'aws_s3_bucket',
            name,
            attributes: { id: bucket, bucket, ...tags({ Team: 'data' }) },
          },
          {
            type: 'aws_s3_bucket_policy',
            name,
            attributes: { id: bucket, bucket, policy: recordedPolicyFor(bucket) },
          },
          {
            type: 'aws_s3_bucket_public_access_block',
            name,
            attributes: {
              id: bucket,
              bucket,
              block_public_acls: true,
              block_public_policy: true,
              ignore_public_acls: true,
              restrict_public_buckets: true,
            },
          },
          {
            type: 'aws_s3_bucket_versioning',
            name,
            attributes: {
              id: bucket,
              bucket,
              expected_bucket_owner: '',
              mfa: null,
              versioning_configuration: [{ status: 'Enabled', mfa_delete: '' }],
            },
          },
          {
            type: 'aws_s3_bucket_server_side_encryption_configuration',
            name,
            attributes: {
              id: bucket,
              bucket,
              expected_bucket_owner: '',
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
      }
      dir = await mkdtemp(join(tmpdir(), 'driftgate-s3-'));
      await writeFile(join(dir, 'terraform.tfstate'), v4State(resources));
      await writeFile(join(dir, 'main.tf'), STATE_ONLY_CODE);
      await mkdir(join(dir, '.github'));
      await writeFile(
        join(dir, '.github', 'driftgate.yml'),
        'stacks:\n  - name: data\n    dir: .\n    environment: prod\nattribution:\n  source: off\n',
      );
    });

    it('is clean when nothing changed (a re-serialised policy is not drift), in one call per resource plus one listing', async () => {
      const { drifts, calls } = await scan();
      expect(drifts).toEqual({});
      expect(calls).toEqual({
        's3:ListBuckets': 1,
        's3:GetBucketTagging': 2,
        's3:GetBucketPolicy': 2,
        's3:GetPublicAccessBlock': 2,
        's3:GetBucketVersioning': 2,
        's3:GetBucketEncryption': 2,
      });
    });

    it('reports a relaxed public access block and a policy open to everyone as widening, and reverts them by API', async () => {
      const bucket = bucketNames[0]!;
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: false,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: false,
          },
        }),
      );
      const open = {
        ...POLICY_SENT,
        Statement: [
          ...POLICY_SENT.Statement,
          {
            Sid: 'Public',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${bucket}/*`,
          },
        ],
      };
      const openText = JSON.stringify(open).replace('BUCKET', bucket);
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: openText }));
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          Tagging: { TagSet: [{ Key: 'Team', Value: 'growth' }] },
        }),
      );
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Suspended' },
        }),
      );

      const { drifts } = await scan();
      expect(Object.keys(drifts).sort()).toEqual([
        'aws_s3_bucket.b0',
        'aws_s3_bucket_policy.b0',
        'aws_s3_bucket_public_access_block.b0',
        'aws_s3_bucket_versioning.b0',
      ]);
      const pab = drifts['aws_s3_bucket_public_access_block.b0']!;
      expect(pab.changes.map((change) => [change.path, change.recorded, change.live])).toEqual([
        ['block_public_policy', true, false],
        ['restrict_public_buckets', true, false],
      ]);
      expect(pab.security).toEqual({
        direction: 'widening',
        explanation:
          'the change relaxed the public access block (block_public_policy, restrict_public_buckets no longer set); reverting would close it',
      });
      expect(pab.tier).toBe(2);
      const policy = drifts['aws_s3_bucket_policy.b0']!;
      expect(policy.changes.map((change) => change.path)).toEqual(['policy']);
      expect(policy.security?.direction).toBe('widening');
      expect(policy.security?.explanation).toContain('"Public" to everyone ("Principal": "*")');
      expect(drifts['aws_s3_bucket_versioning.b0']!.changes).toEqual([
        { path: 'versioning_configuration[0].status', recorded: 'Enabled', live: 'Suspended' },
      ]);
      expect(drifts['aws_s3_bucket_versioning.b0']!.security).toBeNull();
      expect(
        drifts['aws_s3_bucket.b0']!.changes.map((change) => [
          change.path,
          change.recorded,
          change.live,
        ]),
      ).toEqual([
        ['tags.Team', 'data', 'growth'],
        ['tags_all.Team', 'data', 'growth'],
      ]);

      for (const address of Object.keys(drifts)) {
        const result = await cli(['revert', dir, '--address', address, '--yes', ...connection()]);
        expect(result.err).toBe('');
        expect(result.out).toContain('aws s3api put-');
        expect(result.code).toBe(0);
      }
      expect((await scan()).drifts).toEqual({});
      const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const live = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      expect(equivalentPolicies(live.Policy, recordedPolicyFor(bucket))).toBe(true);
      expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([
        { Key: 'Team', Value: 'data' },
      ]);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
        'Enabled',
      );
    });

    it('reports a deleted public access block as a widening delete and puts it back', async () => {
      const bucket = bucketNames[1]!;
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
      const { drifts } = await scan();
      expect(Object.keys(drifts)).toEqual(['aws_s3_bucket_public_access_block.b1']);
      const drift = drifts['aws_s3_bucket_public_access_block.b1']!;
      expect(drift.action).toBe('delete');
      expect(drift.security?.direction).toBe('widening');
      const result = await cli([
        'revert',
        dir,
        '--address',
        'aws_s3_bucket_public_access_block.b1',
        '--yes',
        ...connection(),
      ]);
      expect(result.code).toBe(0);
      expect((await scan()).drifts).toEqual({});
    });
  },
);
