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

const PROTOCOL_NUMBERS: Record<string, string> = {
  all: '-1',
  icmp: '1',
  tcp: '6',
  udp: '17',
  icmpv6: '58',
};

/** The provider stores NACL protocols as numbers ("6"), whatever the code wrote ("tcp"). */
export function naclProtocol(protocol: unknown): string {
  const text = String(protocol ?? '-1').toLowerCase();
  return PROTOCOL_NUMBERS[text] ?? text;
}

function canonicalEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const protocol = naclProtocol(entry.protocol);
  const allTraffic = protocol === '-1';
  return {
    action: String(entry.action ?? '').toLowerCase(),
    cidr_block: entry.cidr_block || '',
    from_port: allTraffic ? 0 : Number(entry.from_port ?? 0),
    icmp_code: Number(entry.icmp_code ?? 0),
    icmp_type: Number(entry.icmp_type ?? 0),
    ipv6_cidr_block: entry.ipv6_cidr_block || '',
    protocol,
    rule_no: Number(entry.rule_no),
    to_port: allTraffic ? 0 : Number(entry.to_port ?? 0),
  };
}

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
