/**
 * Reverting an S3 bucket's settings by API: each setting is one Put* call that writes the
 * recorded value whole, so the revert is exact, and its inverse (the live value whole, or
 * the Delete* that removes a setting that was not there) is recorded with it. Pure.
 *
 * Not planned (Terraform only): turning versioning off once it was on (S3 can only suspend
 * it), changing MFA delete (it needs the root account's MFA device), and a bucket that is
 * gone (recreating it is for terraform apply).
 */
import type { AttributeChange, Drift } from '../drift/model.js';
import {
  bucketOf,
  publicAccessBlockView,
  recordedEncryption,
  recordedVersioning,
} from '../providers/aws/s3.js';
import { formatPath } from '../terraform/path.js';
import { describeOperation } from './describe.js';
import type { RevertOperation, RevertPlan, RevertTarget } from './revert-types.js';
import { awsCommand } from './shell.js';

type Params = Record<string, unknown>;

function operation(
  api: string,
  params: Params,
  inverse: { api: string; params: Params },
  region: string | undefined,
): RevertOperation {
  return {
    api,
    params,
    description: describeOperation(api, params),
    command: awsCommand('s3api', api, params, region),
    inverse: { ...inverse, description: describeOperation(inverse.api, inverse.params) },
  };
}

/** A value at `path` of `base` replaced, on a copy (lists and objects copied on the way). */
function withValue(base: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (
    Array.isArray(base) ? [...(base as unknown[])] : { ...((base ?? {}) as Params) }
  ) as Record<string | number, unknown>;
  copy[head!] = withValue(copy[head!], rest, value);
  return copy;
}

/**
 * The live value of a resource's compared attributes, rebuilt from the recorded ones and
 * the drift's changes: a change inside a set element swaps the element whole, an added or
 * removed element is added or removed, anything else is set at its path.
 */
function liveFrom(recorded: Params, changes: readonly AttributeChange[]): Params {
  let live: Params = structuredClone(recorded);
  for (const change of changes) {
    const set = String(change.path[0]);
    if (change.setElement || change.element) {
      const elements = [...((live[set] as unknown[] | undefined) ?? [])];
      const before =
        change.element?.recorded ?? (change.setElement === 'removed' ? change.recorded : undefined);
      const after =
        change.element?.live ?? (change.setElement === 'added' ? change.live : undefined);
      const at =
        before === undefined
          ? -1
          : elements.findIndex((e) => JSON.stringify(e) === JSON.stringify(before));
      if (at >= 0) elements.splice(at, 1);
      if (after !== undefined && after !== null) elements.push(after);
      live = { ...live, [set]: elements };
    } else {
      live = withValue(live, change.path, change.live) as Params;
    }
  }
  return live;
}

const pabParams = (Bucket: string, flags: Record<string, boolean>): Params => ({
  Bucket,
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: flags.block_public_acls,
    BlockPublicPolicy: flags.block_public_policy,
    IgnorePublicAcls: flags.ignore_public_acls,
    RestrictPublicBuckets: flags.restrict_public_buckets,
  },
});

function encryptionParams(Bucket: string, view: Params): Params {
  const rules = (view.rule as Params[] | undefined) ?? [];
  return {
    Bucket,
    ServerSideEncryptionConfiguration: {
      Rules: rules.map((rule) => {
        const byDefault = ((rule.apply_server_side_encryption_by_default as Params[])[0] ??
          {}) as Params;
        return {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: byDefault.sse_algorithm,
            ...(byDefault.kms_master_key_id ? { KMSMasterKeyID: byDefault.kms_master_key_id } : {}),
          },
          BucketKeyEnabled: rule.bucket_key_enabled === true,
        };
      }),
    },
  };
}

/** Tags S3 lets a caller write: `aws:` keys belong to AWS. */
function tagSet(tags: unknown): { Key: string; Value: string }[] {
  return Object.entries((tags ?? {}) as Params)
    .filter(([key]) => !key.startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value: String(Value) }))
    .sort((a, b) => (a.Key < b.Key ? -1 : 1));
}

const tagging = (Bucket: string, tags: { Key: string; Value: string }[]) =>
  tags.length
    ? { api: 'PutBucketTagging', params: { Bucket, Tagging: { TagSet: tags } } }
    : { api: 'DeleteBucketTagging', params: { Bucket } };

/** Plan an S3 drift's revert into `plan` (operations, or refusals with the reason). */
export function s3Operations(drift: Drift, target: RevertTarget, plan: RevertPlan): void {
  const attributes = target.attributes ?? { id: target.id };
  const Bucket = bucketOf(attributes);
  const region = target.region;
  const gone = drift.action === 'delete';
  const refuse = (path: string, reason: string): void => {
    plan.refusals.push({ path, reason });
  };
  switch (drift.type) {
    case 'aws_s3_bucket': {
      if (gone) return refuse('', 'the bucket was deleted; recreating it is for terraform apply');
      const recorded = tagSet(attributes.tags_all ?? attributes.tags);
      const live = tagSet(
        liveFrom(
          { tags_all: attributes.tags_all ?? attributes.tags ?? {} },
          drift.changes.filter((change) => change.path[0] === 'tags_all'),
        ).tags_all,
      );
      const forward = tagging(Bucket, recorded);
      plan.operations.push(operation(forward.api, forward.params, tagging(Bucket, live), region));
      return;
    }
    case 'aws_s3_bucket_policy': {
      const Policy = String(attributes.policy ?? '');
      const live = drift.changes.find((change) => change.path[0] === 'policy')?.live;
      const inverse =
        gone || typeof live !== 'string'
          ? { api: 'DeleteBucketPolicy', params: { Bucket } }
          : { api: 'PutBucketPolicy', params: { Bucket, Policy: live } };
      plan.operations.push(operation('PutBucketPolicy', { Bucket, Policy }, inverse, region));
      return;
    }
    case 'aws_s3_bucket_public_access_block': {
      const recorded = publicAccessBlockView(attributes);
      const inverse = gone
        ? { api: 'DeletePublicAccessBlock', params: { Bucket } }
        : {
            api: 'PutPublicAccessBlock',
            params: pabParams(Bucket, liveFrom(recorded, drift.changes) as Record<string, boolean>),
          };
      plan.operations.push(
        operation('PutPublicAccessBlock', pabParams(Bucket, recorded), inverse, region),
      );
      return;
    }
    case 'aws_s3_bucket_versioning': {
      const recorded = recordedVersioning(attributes);
      const live = liveFrom(recorded, drift.changes);
      const status = (view: Params) =>
        String(((view.versioning_configuration as Params[])[0] ?? {}).status);
      const mfa = (view: Params) =>
        String(((view.versioning_configuration as Params[])[0] ?? {}).mfa_delete);
      const refused = drift.changes.map((change) => formatPath(change.path)).join(', ');
      if (mfa(recorded) !== mfa(live))
        return refuse(refused, 'changing MFA delete needs the root account and its MFA device');
      if (status(recorded) === 'Disabled' || status(live) === 'Disabled')
        return refuse(
          refused,
          'S3 cannot turn versioning off once it was on (only suspend it), so this cannot be made exact by API',
        );
      const put = (Status: string) => ({
        api: 'PutBucketVersioning',
        params: { Bucket, VersioningConfiguration: { Status } },
      });
      const forward = put(status(recorded));
      plan.operations.push(operation(forward.api, forward.params, put(status(live)), region));
      return;
    }
    default: {
      const recorded = recordedEncryption(attributes);
      const inverse = gone
        ? { api: 'DeleteBucketEncryption', params: { Bucket } }
        : {
            api: 'PutBucketEncryption',
            params: encryptionParams(Bucket, liveFrom(recorded, drift.changes)),
          };
      plan.operations.push(
        operation('PutBucketEncryption', encryptionParams(Bucket, recorded), inverse, region),
      );
    }
  }
}

const ADVISORY_ONLY: Record<string, string> = {
  aws_db_instance:
    'a database is tier 3 (advisory): driftgate never executes changes to it; codify the change, or run terraform apply after review',
  aws_lb:
    'a load balancer is tier 3 (advisory): driftgate never executes changes to it; codify the change, or run terraform apply after review',
  aws_lb_listener:
    'a listener is tier 3 (advisory): driftgate never executes changes to it (a certificate or action change can cut traffic); codify the change, or run terraform apply after review',
  aws_lb_target_group:
    'a target group is tier 3 (advisory): driftgate never executes changes to it; codify the change, or run terraform apply after review',
};

/** Why a type is never reverted by driftgate (databases, load balancers), or undefined. */
export function advisoryOnlyReason(type: string): string | undefined {
  return ADVISORY_ONLY[type];
}
