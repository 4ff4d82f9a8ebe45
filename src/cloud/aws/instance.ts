/**
 * `aws_instance`: paged DescribeInstances, listed by the subnets state records (an
 * instance cannot leave its subnet) or by id. `user_data` is compared as
 * the provider records it, the hex SHA-1 of the script; reading it costs one
 * DescribeInstanceAttribute per instance that has user data in state.
 */
import {
  DescribeInstanceAttributeCommand,
  paginateDescribeInstances,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  compareById,
  idOf,
  livePages,
  liveTagAttributes,
  pick,
  readLive,
  recordedScope,
  recordedTagAttributes,
  tagMap,
  type ResourceFamily,
} from './family.js';
import type { AwsSession } from './session.js';
import { userDataHash } from '../../providers/aws/instance.js';

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

async function liveUserDataHash(session: AwsSession, instanceId: string): Promise<string | null> {
  const response = await session
    .ec2()
    .send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }));
  const encoded = response.UserData?.Value;
  return encoded ? userDataHash(Buffer.from(encoded, 'base64').toString('utf8')) : null;
}

/** The metadata options state records (only the keys it has: the rest are not compared). */
function recordedMetadata(attributes: Record<string, unknown>): Record<string, unknown> | null {
  const options = Array.isArray(attributes.metadata_options)
    ? (attributes.metadata_options[0] as Record<string, unknown> | undefined)
    : undefined;
  return options
    ? pick(
        options,
        METADATA_KEYS.filter((key) => options[key] !== null && options[key] !== undefined),
      )
    : null;
}

export const instanceFamily: ResourceFamily = {
  name: 'EC2 instances',
  types: ['aws_instance'],
  async scan(session, instances) {
    const found = await readLive<Instance>({
      ids: instances.map(idOf),
      idFilter: 'instance-id',
      scope: recordedScope(instances, 'subnet-id', 'subnet_id'),
      pageSize: 1000,
      idOf: (instance) => instance.InstanceId,
      pages: (Filters) =>
        livePages(
          paginateDescribeInstances({ client: session.ec2(), pageSize: 1000 }, { Filters }),
          (page) => (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []),
        ),
    });
    const comparisons = await compareById(
      instances,
      found.filter((instance) => instance.State?.Name !== 'terminated'),
      (instance) => instance.InstanceId,
      {
        recorded: (instance) => {
          const metadata = recordedMetadata(instance.attributes);
          return {
            ...pick(instance.attributes, COMPARED),
            vpc_security_group_ids: [
              ...((instance.attributes.vpc_security_group_ids as string[] | undefined) ?? []),
            ].sort(),
            ...recordedTagAttributes(instance.attributes),
            ...(metadata ? { metadata_options: [metadata] } : {}),
            ...(instance.attributes.user_data
              ? { user_data: String(instance.attributes.user_data) }
              : {}),
          };
        },
        live: async (live, instance) => {
          const metadata = recordedMetadata(instance.attributes);
          const options = live.MetadataOptions;
          const liveOptions: Record<string, unknown> = {
            http_endpoint: options?.HttpEndpoint,
            http_tokens: options?.HttpTokens,
            http_put_response_hop_limit: options?.HttpPutResponseHopLimit,
            instance_metadata_tags: options?.InstanceMetadataTags,
          };
          return {
            instance_type: live.InstanceType ?? null,
            ami: live.ImageId ?? null,
            subnet_id: live.SubnetId ?? null,
            source_dest_check: live.SourceDestCheck ?? true,
            monitoring:
              live.Monitoring?.State === 'enabled' || live.Monitoring?.State === 'pending',
            vpc_security_group_ids: (live.SecurityGroups ?? [])
              .map((group) => group.GroupId!)
              .sort(),
            ...liveTagAttributes(tagMap(live.Tags), instance.attributes),
            ...(metadata ? { metadata_options: [pick(liveOptions, Object.keys(metadata))] } : {}),
            ...(instance.attributes.user_data
              ? { user_data: await liveUserDataHash(session, live.InstanceId!) }
              : {}),
          };
        },
      },
    );
    return { comparisons };
  },
};
