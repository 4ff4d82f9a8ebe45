/**
 * Security group rule resources in the provider's shape: `aws_vpc_security_group_*_rule`
 * (ports null for all-protocol rules) and `aws_security_group_rule` rebuilt from atoms.
 */
import {
  normalisePorts,
  normaliseProtocol,
  type RuleAtom,
  type SourceKind,
} from './security-group-rules.js';
import { recordedTagAttributes } from './tags.js';

/** An `aws_vpc_security_group_*_rule` in the provider's shape. */
export interface VpcRuleView {
  ip_protocol: string;
  from_port: number | null;
  to_port: number | null;
  cidr_ipv4: string | null;
  cidr_ipv6: string | null;
  prefix_list_id: string | null;
  referenced_security_group_id: string | null;
  description: string | null;
  tags: Record<string, unknown>;
  tags_all: Record<string, unknown>;
}

export function vpcRulePorts(
  protocol: string,
  from: unknown,
  to: unknown,
): { from_port: number | null; to_port: number | null } {
  // The provider leaves ports null for all-protocol rules where the API says -1.
  if (protocol === '-1') return { from_port: null, to_port: null };
  return {
    from_port: from === null || from === undefined ? null : Number(from),
    to_port: to === null || to === undefined ? null : Number(to),
  };
}

export function recordedVpcRuleView(attributes: Record<string, unknown>): VpcRuleView {
  const protocol = normaliseProtocol(attributes.ip_protocol as string);
  return {
    ip_protocol: protocol,
    ...vpcRulePorts(protocol, attributes.from_port, attributes.to_port),
    cidr_ipv4: (attributes.cidr_ipv4 as string) || null,
    cidr_ipv6: (attributes.cidr_ipv6 as string) || null,
    prefix_list_id: (attributes.prefix_list_id as string) || null,
    referenced_security_group_id: (attributes.referenced_security_group_id as string) || null,
    description: (attributes.description as string) || null,
    ...recordedTagAttributes(attributes),
  };
}

export function atomOfVpcRule(view: VpcRuleView, description: string): RuleAtom {
  const ports = normalisePorts(view.ip_protocol, view.from_port, view.to_port);
  const [kind, source]: [SourceKind, string] = view.cidr_ipv4
    ? ['cidr_blocks', view.cidr_ipv4]
    : view.cidr_ipv6
      ? ['ipv6_cidr_blocks', view.cidr_ipv6]
      : view.prefix_list_id
        ? ['prefix_list_ids', view.prefix_list_id]
        : ['security_groups', view.referenced_security_group_id ?? ''];
  return { protocol: view.ip_protocol, ...ports, kind, source, description };
}

/** An aws_security_group_rule in its provider shape, rebuilt from atoms (sources sorted). */
export function ruleResourceView(atoms: RuleAtom[], description: string): Record<string, unknown> {
  const first = atoms[0];
  const sources = (kind: SourceKind) =>
    atoms
      .filter((atom) => atom.kind === kind)
      .map((atom) => atom.source)
      .sort();
  return {
    protocol: first?.protocol ?? null,
    from_port: first?.from_port ?? null,
    to_port: first?.to_port ?? null,
    cidr_blocks: sources('cidr_blocks'),
    ipv6_cidr_blocks: sources('ipv6_cidr_blocks'),
    prefix_list_ids: sources('prefix_list_ids'),
    source_security_group_id: sources('security_groups')[0] ?? null,
    self: atoms.some((atom) => atom.kind === 'self'),
    description,
  };
}
