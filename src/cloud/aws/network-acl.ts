/**
 * `aws_network_acl` with its `ingress`/`egress` entry sets and `subnet_ids`: paged
 * DescribeNetworkAcls (100 per page, the API's maximum), by VPC or by id. The default deny entry (rule 32767) is AWS's, not the code's.
 */
import {
  DescribeNetworkAclsCommand,
  paginateDescribeNetworkAcls,
  type NetworkAcl,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import {
  compareById,
  idOf,
  livePages,
  liveTagAttributes,
  readLive,
  recordedScope,
  recordedTagAttributes,
  tagMap,
  type ResourceFamily,
} from './family.js';
import { canonicalEntry } from '../../providers/aws/network-acl.js';

function liveEntry(entry: NetworkAclEntry): Record<string, unknown> {
  return canonicalEntry({
    action: entry.RuleAction,
    cidr_block: entry.CidrBlock,
    from_port: entry.PortRange?.From,
    to_port: entry.PortRange?.To,
    icmp_code: entry.IcmpTypeCode?.Code,
    icmp_type: entry.IcmpTypeCode?.Type,
    ipv6_cidr_block: entry.Ipv6CidrBlock,
    protocol: entry.Protocol,
    rule_no: entry.RuleNumber,
  });
}

const recordedEntries = (value: unknown) =>
  Array.isArray(value)
    ? value.map((entry) => canonicalEntry(entry as Record<string, unknown>))
    : [];

export const networkAclFamily: ResourceFamily = {
  name: 'network ACLs',
  types: ['aws_network_acl'],
  async scan(session, instances) {
    const acls = await readLive<NetworkAcl>({
      ids: instances.map(idOf),
      idFilter: 'network-acl-id',
      scope: recordedScope(instances, 'vpc-id', 'vpc_id'),
      pageSize: 100,
      idOf: (acl) => acl.NetworkAclId,
      pages: (Filters) =>
        livePages(
          paginateDescribeNetworkAcls({ client: session.ec2(), pageSize: 100 }, { Filters }),
          (page) => page.NetworkAcls,
        ),
      // EC2's NetworkAclIds (200 ids, one unpaged response), which moto also implements.
      byIds: async function* (NetworkAclIds) {
        const response = await session
          .ec2()
          .send(new DescribeNetworkAclsCommand({ NetworkAclIds }));
        yield { items: response.NetworkAcls, nextToken: undefined };
      },
    });
    const comparisons = await compareById(instances, acls, (acl) => acl.NetworkAclId, {
      recorded: (instance) => ({
        vpc_id: instance.attributes.vpc_id ?? null,
        ingress: recordedEntries(instance.attributes.ingress),
        egress: recordedEntries(instance.attributes.egress),
        subnet_ids: Array.isArray(instance.attributes.subnet_ids)
          ? [...(instance.attributes.subnet_ids as string[])].sort()
          : [],
        ...recordedTagAttributes(instance.attributes),
      }),
      live: (acl, instance) => {
        const entries = (acl.Entries ?? []).filter((entry) => entry.RuleNumber !== 32767);
        return {
          vpc_id: acl.VpcId ?? null,
          ingress: entries.filter((entry) => !entry.Egress).map(liveEntry),
          egress: entries.filter((entry) => entry.Egress).map(liveEntry),
          subnet_ids: (acl.Associations ?? []).map((association) => association.SubnetId!).sort(),
          ...liveTagAttributes(tagMap(acl.Tags), instance.attributes),
        };
      },
    });
    return { comparisons };
  },
};
