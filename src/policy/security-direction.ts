/**
 * Does a manual change widen or narrow security exposure? A change is *widening* when
 * live now allows traffic the recorded rules did not (a new source, a broader CIDR, a
 * larger port range, all protocols), *narrowing* when the recorded rules allowed traffic
 * live no longer does, *mixed* when both, and *neutral* when it touches no rule.
 *
 * This drives the default remediation: reverting a narrowing change re-opens exposure
 * (the 2 a.m. hotfix story), so such drift defaults to codify. Pure.
 */
import ipaddr from 'ipaddr.js';
import {
  atomsFromBlocks,
  atomsOfRuleResource,
  describePorts,
  normalisePorts,
  normaliseProtocol,
  type RuleAtom,
  type RuleDirection,
} from '../providers/aws/security-group-rules.js';
import { assessIamChange, IAM_ASSESSED_TYPES } from './iam-direction.js';
import { assessDataChange } from './security-direction-data.js';

export type SecurityDirection = 'widening' | 'narrowing' | 'mixed' | 'neutral';

export interface SecurityAssessment {
  direction: SecurityDirection;
  /** One line a reviewer reads first, e.g. "reverting would re-open tcp/22 to 0.0.0.0/0 (the internet)". */
  explanation: string;
}

interface DirectedAtom extends RuleAtom {
  flow: RuleDirection;
}

const INTERNET = new Set(['0.0.0.0/0', '::/0']);

/**
 * A CIDR parsed as the family its text names, or null. `ipaddr.parseCIDR` tries IPv6
 * first and catches the throw for every IPv4 CIDR, which cost seconds on large scans.
 */
function parseCidr(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    return cidr.includes(':') ? ipaddr.IPv6.parseCIDR(cidr) : ipaddr.IPv4.parseCIDR(cidr);
  } catch {
    return null;
  }
}

function cidrContains(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const outerCidr = parseCidr(outer);
  const innerCidr = parseCidr(inner);
  if (!outerCidr || !innerCidr) return false;
  const [outerAddress, outerBits] = outerCidr;
  const [innerAddress, innerBits] = innerCidr;
  if (outerAddress.kind() !== innerAddress.kind()) return false;
  return innerBits >= outerBits && innerAddress.match([outerAddress, outerBits]);
}

/** Does `a` allow everything `b` allows? */
function covers(a: DirectedAtom, b: DirectedAtom): boolean {
  if (a.flow !== b.flow) return false;
  if (a.protocol !== '-1') {
    if (a.protocol !== b.protocol) return false;
    const allTypes = a.from_port === -1 && a.to_port === -1; // ICMP "all types"
    if (!allTypes && (a.from_port > b.from_port || a.to_port < b.to_port)) return false;
  }
  if (a.kind === 'cidr_blocks' && b.kind === 'cidr_blocks') return cidrContains(a.source, b.source);
  if (a.kind === 'ipv6_cidr_blocks' && b.kind === 'ipv6_cidr_blocks')
    return cidrContains(a.source, b.source);
  return a.kind === b.kind && a.source === b.source;
}

function describeAtom(atom: DirectedAtom): string {
  const ports = describePorts(atom);
  const source =
    atom.kind === 'self'
      ? 'the group itself'
      : INTERNET.has(atom.source)
        ? `${atom.source} (the internet)`
        : atom.source;
  return atom.flow === 'ingress' ? `${ports} from ${source}` : `${ports} out to ${source}`;
}

/** The atom a reviewer should hear about first: internet-wide, then all-protocol. */
function mostExposed(atoms: DirectedAtom[]): DirectedAtom {
  const score = (atom: DirectedAtom) =>
    (INTERNET.has(atom.source) ? 2 : 0) + (atom.protocol === '-1' ? 1 : 0);
  return [...atoms].sort((a, b) => score(b) - score(a))[0]!;
}

function more(count: number): string {
  return count > 1 ? ` (and ${count - 1} more)` : '';
}

export function compareExposure(
  recorded: DirectedAtom[],
  live: DirectedAtom[],
): SecurityAssessment {
  const opened = live.filter((atom) => !recorded.some((other) => covers(other, atom)));
  const closed = recorded.filter((atom) => !live.some((other) => covers(other, atom)));
  if (opened.length && closed.length) {
    return {
      direction: 'mixed',
      explanation: `the change opened ${describeAtom(mostExposed(opened))}${more(opened.length)} and closed ${describeAtom(mostExposed(closed))}${more(closed.length)}; reverting would re-open what was closed`,
    };
  }
  if (opened.length) {
    return {
      direction: 'widening',
      explanation: `the change opened ${describeAtom(mostExposed(opened))}${more(opened.length)}; reverting would close it`,
    };
  }
  if (closed.length) {
    return {
      direction: 'narrowing',
      explanation: `reverting would re-open ${describeAtom(mostExposed(closed))}${more(closed.length)}`,
    };
  }
  return {
    direction: 'neutral',
    explanation: 'the change does not alter which traffic is allowed',
  };
}

function atomsOfGroup(value: unknown): DirectedAtom[] {
  if (!value || typeof value !== 'object') return [];
  const group = value as Record<string, unknown>;
  const owner = typeof group.owner_id === 'string' ? group.owner_id : undefined;
  return (['ingress', 'egress'] as const).flatMap((flow) =>
    atomsFromBlocks(group[flow], owner).map((atom) => ({ ...atom, flow })),
  );
}

function atomsOfRule(value: unknown): DirectedAtom[] {
  if (!value || typeof value !== 'object') return [];
  const rule = value as Record<string, unknown>;
  const flow: RuleDirection = rule.type === 'egress' ? 'egress' : 'ingress';
  return atomsOfRuleResource(rule, undefined).map((atom) => ({ ...atom, flow }));
}

function atomsOfVpcRule(value: unknown, flow: RuleDirection): DirectedAtom[] {
  if (!value || typeof value !== 'object') return [];
  const rule = value as Record<string, unknown>;
  const protocol = normaliseProtocol(rule.ip_protocol as string);
  const ports = normalisePorts(protocol, rule.from_port, rule.to_port);
  const base = { protocol, ...ports, description: String(rule.description ?? ''), flow };
  if (rule.cidr_ipv4) return [{ ...base, kind: 'cidr_blocks', source: String(rule.cidr_ipv4) }];
  if (rule.cidr_ipv6)
    return [{ ...base, kind: 'ipv6_cidr_blocks', source: String(rule.cidr_ipv6) }];
  if (rule.prefix_list_id)
    return [{ ...base, kind: 'prefix_list_ids', source: String(rule.prefix_list_id) }];
  if (rule.referenced_security_group_id)
    return [
      { ...base, kind: 'security_groups', source: String(rule.referenced_security_group_id) },
    ];
  return [];
}

/**
 * Assess one resource's change from its recorded and live values (provider shape;
 * `live` null when deleted). Returns null for resource types that carry no rules.
 */
export function assessSecurityChange(
  type: string,
  recorded: unknown,
  live: unknown,
): SecurityAssessment | null {
  switch (type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return compareExposure(atomsOfGroup(recorded), atomsOfGroup(live));
    case 'aws_security_group_rule':
      return compareExposure(atomsOfRule(recorded), atomsOfRule(live));
    case 'aws_vpc_security_group_ingress_rule':
      return compareExposure(atomsOfVpcRule(recorded, 'ingress'), atomsOfVpcRule(live, 'ingress'));
    case 'aws_vpc_security_group_egress_rule':
      return compareExposure(atomsOfVpcRule(recorded, 'egress'), atomsOfVpcRule(live, 'egress'));
    default:
      return IAM_ASSESSED_TYPES.includes(type)
        ? assessIamChange(type, recorded, live)
        : assessDataChange(type, recorded, live);
  }
}
