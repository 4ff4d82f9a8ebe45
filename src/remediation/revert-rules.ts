/**
 * Reverting security group rules. Inline `ingress`/`egress` of an `aws_security_group`:
 * revoke what was added, authorize what was removed, and a description-only change with the
 * description API. A rule resource (`aws_vpc_security_group_ingress_rule` / `_egress_rule`)
 * is changed in place with `ModifySecurityGroupRules`, as the provider's update does, with
 * the live rule as its exact inverse. Pure.
 */
import {
  atomsFromBlocks,
  describePorts,
  type RuleAtom,
} from '../providers/aws/security-group-rules.js';
import type { Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import { describeOperation } from './describe.js';
import {
  elementSides,
  type RevertOperation,
  type RevertPlan,
  type RevertTarget,
} from './revert-types.js';
import { awsEc2Command } from './shell.js';

function ipPermission(atom: RuleAtom): Record<string, unknown> {
  const base: Record<string, unknown> = { IpProtocol: atom.protocol };
  if (atom.protocol !== '-1')
    Object.assign(base, { FromPort: atom.from_port, ToPort: atom.to_port });
  const description = atom.description ? { Description: atom.description } : {};
  switch (atom.kind) {
    case 'cidr_blocks':
      return { ...base, IpRanges: [{ CidrIp: atom.source, ...description }] };
    case 'ipv6_cidr_blocks':
      return { ...base, Ipv6Ranges: [{ CidrIpv6: atom.source, ...description }] };
    case 'prefix_list_ids':
      return { ...base, PrefixListIds: [{ PrefixListId: atom.source, ...description }] };
    default:
      return {
        ...base,
        UserIdGroupPairs: [{ GroupId: atom.source.split('/').pop(), ...description }],
      };
  }
}

function describeAtom(atom: RuleAtom): string {
  const ports = describePorts(atom);
  return `${ports} ${atom.kind === 'self' ? 'self' : atom.source}`;
}

function ruleOperation(
  verb: 'Authorize' | 'Revoke',
  direction: 'ingress' | 'egress',
  groupId: string,
  atom: RuleAtom,
  region: string | undefined,
): RevertOperation {
  const resolved =
    atom.kind === 'self' ? { ...atom, kind: 'security_groups' as const, source: groupId } : atom;
  const params = { GroupId: groupId, IpPermissions: [ipPermission(resolved)] };
  const suffix = direction === 'ingress' ? 'Ingress' : 'Egress';
  const inverseApi = `${verb === 'Revoke' ? 'Authorize' : 'Revoke'}SecurityGroup${suffix}`;
  return {
    api: `${verb}SecurityGroup${suffix}`,
    params,
    description: `${verb === 'Revoke' ? 'revoke' : 'restore'} ${direction} ${describeAtom(atom)} on ${groupId}`,
    command: awsEc2Command(
      `${verb.toLowerCase()}-security-group-${direction}`,
      [
        ['--group-id', groupId],
        ['--ip-permissions', JSON.stringify(params.IpPermissions)],
      ],
      region,
    ),
    inverse: { api: inverseApi, params, description: describeOperation(inverseApi, params) },
  };
}

function descriptionOperation(
  direction: 'ingress' | 'egress',
  groupId: string,
  recorded: RuleAtom,
  live: RuleAtom,
  region: string | undefined,
): RevertOperation {
  const resolve = (atom: RuleAtom) =>
    atom.kind === 'self' ? { ...atom, kind: 'security_groups' as const, source: groupId } : atom;
  const api = `UpdateSecurityGroupRuleDescriptions${direction === 'ingress' ? 'Ingress' : 'Egress'}`;
  const permission = (atom: RuleAtom) => {
    const base = ipPermission(resolve(atom));
    // An empty description is sent explicitly, so the update clears it.
    for (const entries of ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'])
      for (const entry of (base[entries] as Record<string, unknown>[] | undefined) ?? [])
        entry.Description = atom.description ?? '';
    return base;
  };
  const inverseParams = { GroupId: groupId, IpPermissions: [permission(live)] };
  return {
    api,
    params: { GroupId: groupId, IpPermissions: [permission(recorded)] },
    description: `restore the description of ${direction} ${describeAtom(recorded)} on ${groupId}`,
    command: awsEc2Command(
      `update-security-group-rule-descriptions-${direction}`,
      [
        ['--group-id', groupId],
        ['--ip-permissions', JSON.stringify([permission(recorded)])],
      ],
      region,
    ),
    inverse: { api, params: inverseParams, description: describeOperation(api, inverseParams) },
  };
}

/** Atom keys without descriptions, for set arithmetic. */
const key = (atom: RuleAtom) =>
  JSON.stringify([atom.protocol, atom.from_port, atom.to_port, atom.kind, atom.source]);

export function securityGroupOperations(
  drift: Drift,
  target: RevertTarget,
  plan: RevertPlan,
): void {
  const groupId = target.id;
  for (const direction of ['ingress', 'egress'] as const) {
    const recorded: RuleAtom[] = [];
    const live: RuleAtom[] = [];
    for (const change of drift.changes.filter((candidate) => candidate.path[0] === direction)) {
      const sides = elementSides(change);
      if (!sides) {
        plan.refusals.push({
          path: formatPath(change.path),
          reason: 'cannot tell which rule changed',
        });
        continue;
      }
      const { before, after } = sides;
      recorded.push(...atomsFromBlocks(before ? [before] : [], undefined));
      live.push(...atomsFromBlocks(after ? [after] : [], undefined));
    }
    const recordedKeys = new Set(recorded.map(key));
    const liveKeys = new Set(live.map(key));
    const seen = new Set<string>();
    // The same rule with another description: one description update, not revoke+authorize.
    const liveByKey = new Map(live.map((atom) => [key(atom), atom]));
    for (const atom of recorded) {
      const other = liveByKey.get(key(atom));
      if (
        !other ||
        (other.description ?? '') === (atom.description ?? '') ||
        seen.has(`d${key(atom)}`)
      )
        continue;
      seen.add(`d${key(atom)}`);
      plan.operations.push(descriptionOperation(direction, groupId, atom, other, target.region));
    }
    for (const atom of live) {
      if (!recordedKeys.has(key(atom)) && !seen.has(`r${key(atom)}`)) {
        seen.add(`r${key(atom)}`);
        plan.operations.push(ruleOperation('Revoke', direction, groupId, atom, target.region));
      }
    }
    for (const atom of recorded) {
      if (!liveKeys.has(key(atom)) && !seen.has(`a${key(atom)}`)) {
        seen.add(`a${key(atom)}`);
        plan.operations.push(ruleOperation('Authorize', direction, groupId, atom, target.region));
      }
    }
  }
}

/** The attributes of a rule resource that `ModifySecurityGroupRules` sets. */
export const VPC_RULE_ATTRIBUTES = [
  'ip_protocol',
  'from_port',
  'to_port',
  'cidr_ipv4',
  'cidr_ipv6',
  'prefix_list_id',
  'referenced_security_group_id',
  'description',
] as const;

/** A rule resource's attributes as the API's `SecurityGroupRuleRequest`. */
function ruleRequest(attributes: Record<string, unknown>): Record<string, unknown> {
  const text = (name: string) => {
    const value = attributes[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const protocol = text('ip_protocol') ?? '-1';
  const allTraffic = protocol === '-1' || protocol === 'all';
  const port = (name: string) =>
    allTraffic || attributes[name] === null || attributes[name] === undefined
      ? -1
      : Number(attributes[name]);
  // Another account's group is `account/sg-…` in the provider; the API takes the group id.
  const referenced = text('referenced_security_group_id')?.split('/').pop();
  const source = text('cidr_ipv4')
    ? { CidrIpv4: text('cidr_ipv4') }
    : text('cidr_ipv6')
      ? { CidrIpv6: text('cidr_ipv6') }
      : text('prefix_list_id')
        ? { PrefixListId: text('prefix_list_id') }
        : { ReferencedGroupId: referenced };
  return {
    IpProtocol: allTraffic ? '-1' : protocol,
    FromPort: port('from_port'),
    ToPort: port('to_port'),
    ...source,
    // Sent even when empty, so the update clears a description added by hand.
    Description: text('description') ?? '',
  };
}

/**
 * `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one `ModifySecurityGroupRules`
 * that puts the whole recorded rule back on the same rule id (the provider's update), and
 * the live rule as its inverse.
 */
export function vpcRuleOperations(drift: Drift, target: RevertTarget, plan: RevertPlan): void {
  const changed = drift.changes.filter((change) =>
    (VPC_RULE_ATTRIBUTES as readonly string[]).includes(String(change.path[0])),
  );
  if (!changed.length) return;
  const recorded = target.attributes;
  const groupId = recorded?.security_group_id;
  if (!recorded || typeof groupId !== 'string' || !groupId) {
    for (const change of changed)
      plan.refusals.push({
        path: formatPath(change.path),
        reason: 'the recorded state does not name the rule and its group',
      });
    return;
  }
  const live: Record<string, unknown> = { ...recorded };
  for (const change of changed) {
    if (change.path.length !== 1) {
      plan.refusals.push({
        path: formatPath(change.path),
        reason: 'cannot tell how the rule changed',
      });
      return;
    }
    live[String(change.path[0])] = change.live;
  }
  const ruleId = target.id;
  const request = (rule: Record<string, unknown>) => ({
    GroupId: groupId,
    SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: ruleRequest(rule) }],
  });
  const params = request(recorded);
  const inverseParams = request(live);
  plan.operations.push({
    api: 'ModifySecurityGroupRules',
    params,
    description: `put rule ${ruleId} back as recorded: ${describeOperation('ModifySecurityGroupRules', params).replace(/^set rule \S+ of \S+ to /, '')} on ${groupId}`,
    command: awsEc2Command(
      'modify-security-group-rules',
      [
        ['--group-id', groupId],
        ['--security-group-rules', JSON.stringify(params.SecurityGroupRules)],
      ],
      target.region,
    ),
    inverse: {
      api: 'ModifySecurityGroupRules',
      params: inverseParams,
      description: describeOperation('ModifySecurityGroupRules', inverseParams),
    },
  });
}
