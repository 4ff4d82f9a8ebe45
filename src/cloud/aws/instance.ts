/**
 * `aws_instance`: one paged DescribeInstances for the stack. `user_data` is compared as
 * the provider records it, the hex SHA-1 of the script; reading it costs one
 * DescribeInstanceAttribute per instance that has user data in state.
 */
import { createHash } from 'node:crypto';
import {
  DescribeInstanceAttributeCommand,
  paginateDescribeInstances,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  idOf,
  liveTagAttributes,
  pick,
  readByIds,
  recordedTagAttributes,
  tagMap,
  type Comparison,
  type ResourceFamily,
} from './family.js';
import type { AwsSession } from './session.js';

const COMPARED = [
  'instance_type',
  'ami',
  'subnet_id',
  'source_dest_check',
  'monitoring',
  'vpc_security_group_ids',
] as const;
const METADATA_KEYS = [
  'http_endpoint',
  'http_tokens',
  'http_put_response_hop_limit',
  'instance_metadata_tags',
] as const;

/** The provider's `userDataHashSum`: SHA-1 hex of the script (base64 input is decoded first). */
export function userDataHash(userData: string): string {
  return createHash('sha1').update(userData).digest('hex');
}

async function liveUserDataHash(session: AwsSession, instanceId: string): Promise<string | null> {
  const response = await session
    .ec2()
    .send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }));
  const encoded = response.UserData?.Value;
  return encoded ? userDataHash(Buffer.from(encoded, 'base64').toString('utf8')) : null;
}

function recordedMetadata(attributes: Record<string, unknown>): Record<string, unknown> | null {
  const options = Array.isArray(attributes.metadata_options)
    ? (attributes.metadata_options[0] as Record<string, unknown> | undefined)
    : undefined;
  return options ? pick(options, METADATA_KEYS) : null;
}

export const instanceFamily: ResourceFamily = {
  name: 'EC2 instances',
  types: ['aws_instance'],
  async scan(session, instances) {
    const reservations = await readByIds(instances.map(idOf), async (ids) => {
      const found: Instance[] = [];
      const pages = paginateDescribeInstances(
        { client: session.ec2(), pageSize: 1000 },
        ids ? { Filters: [{ Name: 'instance-id', Values: ids }] } : {},
      );
      for await (const page of pages)
        for (const reservation of page.Reservations ?? [])
          found.push(...(reservation.Instances ?? []));
      return found;
    });
    const byId = new Map(
      reservations
        .filter((instance) => instance.State?.Name !== 'terminated')
        .map((instance) => [instance.InstanceId!, instance]),
    );
    const comparisons: Comparison[] = [];
    for (const instance of instances) {
      const recordedUserData = instance.attributes.user_data
        ? String(instance.attributes.user_data)
        : null;
      const metadata = recordedMetadata(instance.attributes);
      const recorded: Record<string, unknown> = {
        ...pick(instance.attributes, COMPARED),
        vpc_security_group_ids: [
          ...((instance.attributes.vpc_security_group_ids as string[] | undefined) ?? []),
        ].sort(),
        ...recordedTagAttributes(instance.attributes),
      };
      if (metadata) recorded.metadata_options = [metadata];
      if (recordedUserData) recorded.user_data = recordedUserData;
      const live = byId.get(idOf(instance));
      if (!live) {
        comparisons.push({ instance, recorded, live: null });
        continue;
      }
      const liveView: Record<string, unknown> = {
        instance_type: live.InstanceType ?? null,
        ami: live.ImageId ?? null,
        subnet_id: live.SubnetId ?? null,
        source_dest_check: live.SourceDestCheck ?? true,
        monitoring: live.Monitoring?.State === 'enabled' || live.Monitoring?.State === 'pending',
        vpc_security_group_ids: (live.SecurityGroups ?? []).map((group) => group.GroupId!).sort(),
        ...liveTagAttributes(tagMap(live.Tags), instance.attributes),
      };
      if (metadata) {
        const options = live.MetadataOptions;
        liveView.metadata_options = [
          pick(
            {
              http_endpoint: options?.HttpEndpoint,
              http_tokens: options?.HttpTokens,
              http_put_response_hop_limit: options?.HttpPutResponseHopLimit,
              instance_metadata_tags: options?.InstanceMetadataTags,
            },
            METADATA_KEYS.filter((key) => metadata[key] !== null),
          ),
        ];
        recorded.metadata_options = [
          pick(
            metadata,
            METADATA_KEYS.filter((key) => metadata[key] !== null),
          ),
        ];
      }
      if (recordedUserData) liveView.user_data = await liveUserDataHash(session, live.InstanceId!);
      comparisons.push({ instance, recorded, live: liveView });
    }
    return { comparisons };
  },
};
