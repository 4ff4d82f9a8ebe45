/**
 * `aws_network_acl` in the provider's shape: protocols as numbers, the all-traffic
 * entry's ports as 0, missing CIDRs as ''.
 */
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

/** An entry as the provider records it: action lower-cased, all-traffic ports 0, numbers as numbers. */
export function canonicalEntry(entry: Record<string, unknown>): Record<string, unknown> {
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
