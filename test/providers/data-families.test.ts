/**
 * The data families' pure parts: the security direction of buckets and databases, codify of
 * tier-3 drifts, and the S3 revert plan (exact Put calls with recorded inverses; databases
 * and load balancers refused). Policy documents: test/providers/aws/policy-document.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { assessSecurityChange } from '../../src/policy/security-direction.js';
import { codifyDrifts } from '../../src/remediation/codify/codify.js';
import { planRevert } from '../../src/remediation/revert.js';
import { operationCallSchema } from '../../src/remediation/operation-schema.js';
import { aDrift } from '../support/drift-builder.js';

const statement = {
  Sid: 'Read',
  Effect: 'Allow',
  Principal: { AWS: ['arn:aws:iam::1:root'] },
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
};
const doc = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('security direction of buckets and databases', () => {
  it('an Allow to everyone added to a bucket policy widens; removing it narrows', () => {
    const open = {
      Sid: 'Public',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: '*',
    };
    const widened = assessSecurityChange(
      'aws_s3_bucket_policy',
      { policy: doc(statement) },
      { policy: doc(statement, open) },
    );
    expect(widened).toEqual({
      direction: 'widening',
      explanation:
        'the change added an Allow statement "Public" to everyone ("Principal": "*"); reverting would close it',
    });
    expect(
      assessSecurityChange(
        'aws_s3_bucket_policy',
        { policy: doc(statement, open) },
        { policy: doc(statement) },
      )?.direction,
    ).toBe('narrowing');
    expect(
      assessSecurityChange(
        'aws_s3_bucket_policy',
        { policy: doc(statement) },
        { policy: doc(statement) },
      )?.direction,
    ).toBe('neutral');
  });

  it('a public access block relaxed or removed widens; tightened narrows', () => {
    const all = {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    };
    expect(
      assessSecurityChange('aws_s3_bucket_public_access_block', all, {
        ...all,
        block_public_acls: false,
      })?.direction,
    ).toBe('widening');
    expect(assessSecurityChange('aws_s3_bucket_public_access_block', all, null)?.explanation).toBe(
      'the change removed the public access block (block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets no longer set); reverting would close it',
    );
    expect(
      assessSecurityChange(
        'aws_s3_bucket_public_access_block',
        { ...all, block_public_acls: false },
        all,
      )?.direction,
    ).toBe('narrowing');
  });

  it('a database made public widens; other database changes are neutral', () => {
    const db = { publicly_accessible: false, instance_class: 'db.t3.micro' };
    expect(
      assessSecurityChange('aws_db_instance', db, { ...db, publicly_accessible: true })?.direction,
    ).toBe('widening');
    expect(
      assessSecurityChange('aws_db_instance', { ...db, publicly_accessible: true }, db)?.direction,
    ).toBe('narrowing');
    expect(
      assessSecurityChange('aws_db_instance', db, { ...db, instance_class: 'db.m5.large' })
        ?.direction,
    ).toBe('neutral');
  });
});

describe('codify of database and load balancer drift', () => {
  it('writes a database made public and a health check path into the code', async () => {
    const files = {
      'main.tf':
        'resource "aws_db_instance" "orders" {\n  identifier          = "orders"\n  publicly_accessible = false\n}\n\nresource "aws_lb_target_group" "web" {\n  name = "web"\n\n  health_check {\n    path = "/health"\n  }\n}\n',
    };
    const outcome = await codifyDrifts(
      '.',
      Object.entries(files).map(([path, text]) => ({ path, text })),
      [
        aDrift('aws_db_instance.orders', [
          { path: ['publicly_accessible'], recorded: false, live: true },
        ]),
        aDrift('aws_lb_target_group.web', [
          { path: ['health_check', 0, 'path'], recorded: '/health', live: '/ready' },
        ]),
      ],
    );
    expect(outcome.refused).toEqual([]);
    const text = Object.fromEntries(outcome.after)['main.tf']!;
    expect(text).toContain('publicly_accessible = true');
    expect(text).toContain('path = "/ready"');
  });
});

describe('revert plans for the data families', () => {
  it('puts a public access block back with the live flags as its recorded inverse', () => {
    const attributes = {
      id: 'b',
      bucket: 'b',
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    };
    const plan = planRevert(
      aDrift('aws_s3_bucket_public_access_block.b', [
        { path: ['block_public_policy'], recorded: true, live: false },
      ]),
      { id: 'b', attributes, region: 'eu-west-1' },
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.operations).toHaveLength(1);
    const [put] = plan.operations;
    expect(put!.params).toEqual({
      Bucket: 'b',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(put!.inverse?.params).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicPolicy: false },
    });
    expect(put!.command).toMatch(
      /^aws s3api put-public-access-block --cli-input-json '.*' --region 'eu-west-1'$/,
    );
    expect(operationCallSchema.safeParse(put).success).toBe(true);
  });

  it('refuses to turn versioning off (S3 can only suspend it)', () => {
    const plan = planRevert(
      aDrift('aws_s3_bucket_versioning.b', [
        { path: ['versioning_configuration', 0, 'status'], recorded: 'Disabled', live: 'Enabled' },
      ]),
      {
        id: 'b',
        attributes: { id: 'b', bucket: 'b', versioning_configuration: [{ status: 'Disabled' }] },
      },
    );
    expect(plan.operations).toEqual([]);
    expect(plan.refusals[0]!.reason).toContain('S3 cannot turn versioning off');
  });

  it('never plans operations for a database or a load balancer', () => {
    for (const address of [
      'aws_db_instance.orders',
      'aws_lb.web',
      'aws_lb_listener.https',
      'aws_lb_target_group.web',
    ]) {
      const plan = planRevert(
        aDrift(address, [{ path: ['deletion_protection'], recorded: true, live: false }]),
        'x',
      );
      expect(plan.operations).toEqual([]);
      expect(plan.refusals[0]!.reason).toMatch(/tier 3 \(advisory\): driftgate never executes/);
    }
  });
});
