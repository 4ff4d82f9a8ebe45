/**
 * The pure model of security group rules, shared by the live reader, the security
 * direction classifier and the revert planner: rules broken into atoms (one source of
 * one protocol/port range, the unit AWS authorizes and revokes), and atoms grouped back
 * into blocks the way terraform-provider-aws flattens IpPermissions.
 */
import { canonicalJson } from '../../drift/canonical.js';

/**
 * The fields of EC2's IpPermission this model reads, written structurally so the pure
 * provider model imports no SDK (the SDK's IpPermission is assignable to it).
 */
export interface PermissionLike {
  IpProtocol?: string | undefined;
  FromPort?: number | undefined;
  ToPort?: number | undefined;
  IpRanges?: { CidrIp?: string | undefined; Description?: string | undefined }[] | undefined;
  Ipv6Ranges?: { CidrIpv6?: string | undefined; Description?: string | undefined }[] | undefined;
  PrefixListIds?:
    { PrefixListId?: string | undefined; Description?: string | undefined }[] | undefined;
  UserIdGroupPairs?:
    | {
        GroupId?: string | undefined;
        GroupName?: string | undefined;
        UserId?: string | undefined;
        Description?: string | undefined;
      }[]
    | undefined;
}

export type RuleDirection = 'ingress' | 'egress';

export type SourceKind =
  'cidr_blocks' | 'ipv6_cidr_blocks' | 'prefix_list_ids' | 'security_groups' | 'self';

/** One source of one rule: the unit AWS authorizes and revokes. */
export interface RuleAtom {
  protocol: string;
  from_port: number;
  to_port: number;
  kind: SourceKind;
  source: string;
  description: string;
}

export interface RuleBlock {
  cidr_blocks: string[];
  description: string;
  from_port: number;
  ipv6_cidr_blocks: string[];
  prefix_list_ids: string[];
  protocol: string;
  security_groups: string[];
  self: boolean;
  to_port: number;
}

const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmpv6',
  '50': 'esp',
  '51': 'ah',
};

/** The provider's protocol normalisation: `-1`/`all` → `-1`, known numbers → names, names lower-cased. */
export function normaliseProtocol(protocol: string | number | undefined | null): string {
  const text = String(protocol ?? '-1').toLowerCase();
  if (text === '-1' || text === 'all') return '-1';
  return PROTOCOL_NAMES[text] ?? text;
}

/** All-protocol rules carry no ports; the provider records them as 0. */
export function normalisePorts(
  protocol: string,
  from: unknown,
  to: unknown,
): { from_port: number; to_port: number } {
  if (protocol === '-1') return { from_port: 0, to_port: 0 };
  return { from_port: Number(from ?? 0), to_port: Number(to ?? 0) };
}

/** `123456789012/sg-1` → `sg-1` when the account is the group's own (the provider stores both forms). */
function normaliseGroupReference(reference: string, ownerId: string | undefined): string {
  const [account, group] = reference.split('/');
  return group && account === ownerId ? group : reference;
}

export function atomsFromPermissions(
  permissions: PermissionLike[] | undefined,
  group: { id: string; ownerId: string | undefined },
): RuleAtom[] {
  const atoms: RuleAtom[] = [];
  for (const permission of permissions ?? []) {
    const protocol = normaliseProtocol(permission.IpProtocol);
    const ports = normalisePorts(protocol, permission.FromPort, permission.ToPort);
    const add = (kind: SourceKind, source: string, description: string | undefined) =>
      atoms.push({ protocol, ...ports, kind, source, description: description ?? '' });
    for (const range of permission.IpRanges ?? [])
      add('cidr_blocks', range.CidrIp!, range.Description);
    for (const range of permission.Ipv6Ranges ?? [])
      add('ipv6_cidr_blocks', range.CidrIpv6!, range.Description);
    for (const prefix of permission.PrefixListIds ?? [])
      add('prefix_list_ids', prefix.PrefixListId!, prefix.Description);
    for (const pair of permission.UserIdGroupPairs ?? []) {
      if (pair.GroupId === group.id) add('self', 'true', pair.Description);
      else if (pair.UserId && group.ownerId && pair.UserId !== group.ownerId)
        add('security_groups', `${pair.UserId}/${pair.GroupId}`, pair.Description);
      else add('security_groups', pair.GroupId ?? pair.GroupName ?? '', pair.Description);
    }
  }
  return atoms;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** Atoms of recorded inline rule blocks (`ingress`/`egress` in an aws_security_group's state). */
export function atomsFromBlocks(blocks: unknown, ownerId: string | undefined): RuleAtom[] {
  const atoms: RuleAtom[] = [];
  for (const raw of Array.isArray(blocks) ? blocks : []) {
    // A plan is input: an element that is not a rule block (null, a string) holds no rule.
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const block = raw as Record<string, unknown>;
    const protocol = normaliseProtocol(block.protocol as string);
    const ports = normalisePorts(protocol, block.from_port, block.to_port);
    const description = String(block.description ?? '');
    const add = (kind: SourceKind, source: string) =>
      atoms.push({ protocol, ...ports, kind, source, description });
    for (const cidr of stringList(block.cidr_blocks)) add('cidr_blocks', cidr);
    for (const cidr of stringList(block.ipv6_cidr_blocks)) add('ipv6_cidr_blocks', cidr);
    for (const prefix of stringList(block.prefix_list_ids)) add('prefix_list_ids', prefix);
    for (const group of stringList(block.security_groups))
      add('security_groups', normaliseGroupReference(group, ownerId));
    if (block.self === true) add('self', 'true');
  }
  return atoms;
}

/** Group atoms the provider's way: one block per (protocol, from_port, to_port, description). */
export function blocksFromAtoms(atoms: readonly RuleAtom[]): RuleBlock[] {
  const blocks = new Map<string, RuleBlock>();
  for (const atom of atoms) {
    // A list of scalars: plain JSON is already canonical.
    const key = JSON.stringify([atom.protocol, atom.from_port, atom.to_port, atom.description]);
    let block = blocks.get(key);
    if (!block) {
      block = {
        cidr_blocks: [],
        description: atom.description,
        from_port: atom.from_port,
        ipv6_cidr_blocks: [],
        prefix_list_ids: [],
        protocol: atom.protocol,
        security_groups: [],
        self: false,
        to_port: atom.to_port,
      };
      blocks.set(key, block);
    }
    if (atom.kind === 'self') block.self = true;
    else if (!block[atom.kind].includes(atom.source)) block[atom.kind].push(atom.source);
  }
  const sorted = [...blocks.values()].map((block) => ({
    ...block,
    cidr_blocks: block.cidr_blocks.sort(),
    ipv6_cidr_blocks: block.ipv6_cidr_blocks.sort(),
    prefix_list_ids: block.prefix_list_ids.sort(),
    security_groups: block.security_groups.sort(),
  }));
  // Sort by each block's canonical text, computed once per block rather than per comparison.
  return sorted
    .map((block) => ({ block, key: canonicalJson(block) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ block }) => block);
}

/** Identity of an atom for "is this source authorised": everything but the description. */
/** A rule's protocol and ports as people write them: `tcp/22`, `udp/1000-2000`, `all traffic`. */
export function describePorts(atom: Pick<RuleAtom, 'protocol' | 'from_port' | 'to_port'>): string {
  if (atom.protocol === '-1') return 'all traffic';
  return atom.from_port === atom.to_port
    ? `${atom.protocol}/${atom.from_port}`
    : `${atom.protocol}/${atom.from_port}-${atom.to_port}`;
}

export function atomKey(atom: RuleAtom): string {
  return JSON.stringify([atom.protocol, atom.from_port, atom.to_port, atom.kind, atom.source]);
}

/** Atoms an `aws_security_group_rule` in state stands for. */
export function atomsOfRuleResource(
  attributes: Record<string, unknown>,
  ownerId: string | undefined,
): RuleAtom[] {
  const sources: Record<string, unknown> = {
    ...attributes,
    security_groups: attributes.source_security_group_id
      ? [attributes.source_security_group_id]
      : [],
  };
  return atomsFromBlocks([sources], ownerId);
}
