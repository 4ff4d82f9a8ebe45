/**
 * Security groups and their rules, read the way terraform-provider-aws reads them:
 *
 * - `aws_security_group` inline `ingress`/`egress`: the provider flattens each
 *   IpPermission into one rule per (protocol, from_port, to_port, description), with the
 *   permission's CIDRs, IPv6 CIDRs, prefix lists, other groups (`UserId/GroupId` across
 *   accounts) and `self`. Both sides are brought to that grouping before comparing, so
 *   the way a human grouped CIDRs in HCL is never drift.
 * - `aws_security_group_rule`: present when every one of its sources is inside a live
 *   permission with the same protocol and ports (the provider's rule matching).
 * - `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one live rule per `sgr-` id
 *   from DescribeSecurityGroupRules; ports are null (not -1) for all-protocol rules.
 * - Unmanaged rules: on a group whose rules are separate resources, a live rule that no
 *   resource in state owns is drift `terraform plan` cannot see. It is reported on the
 *   group as an added `ingress`/`egress` element.
 */
import {
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  atomKey,
  atomsFromBlocks,
  atomsFromPermissions,
  atomsOfRuleResource,
  blocksFromAtoms,
  normaliseProtocol,
  type RuleAtom,
  type RuleDirection,
} from '../../providers/aws/security-group-rules.js';
import type { StateInstance } from '../../terraform/state.js';
import { attributeOf, findResource, type TerraformStack } from '../../terraform/stack.js';
import {
  idOf,
  livePages,
  liveTagAttributes,
  readLive,
  recordedScope,
  recordedTagAttributes,
  tagMap,
  type Comparison,
  type FamilyScan,
  type ResourceFamily,
} from './family.js';
import type { AwsSession } from './session.js';
import {
  atomOfVpcRule,
  recordedVpcRuleView,
  ruleResourceView,
  vpcRulePorts,
  type VpcRuleView,
} from '../../providers/aws/security-groups.js';

function liveVpcRuleView(
  rule: SecurityGroupRule,
  recorded: Record<string, unknown>,
  ownerId: string | undefined,
): VpcRuleView {
  const protocol = normaliseProtocol(rule.IpProtocol);
  const referenced = rule.ReferencedGroupInfo;
  const reference = referenced?.GroupId
    ? referenced.UserId && ownerId && referenced.UserId !== ownerId
      ? `${referenced.UserId}/${referenced.GroupId}`
      : referenced.GroupId
    : null;
  return {
    ip_protocol: protocol,
    ...vpcRulePorts(protocol, rule.FromPort, rule.ToPort),
    cidr_ipv4: rule.CidrIpv4 ?? null,
    cidr_ipv6: rule.CidrIpv6 ?? null,
    prefix_list_id: rule.PrefixListId ?? null,
    referenced_security_group_id: reference,
    description: rule.Description || null,
    ...liveTagAttributes(tagMap(rule.Tags), recorded),
  };
}

const RULE_TYPES = [
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
];

/**
 * Which directions an aws_security_group manages inline: those its HCL block declares
 * (`ingress { }` blocks or an `ingress = [...]` attribute). Without the HCL (a module's
 * resource, or no .tf files at hand), a group with separate rule resources manages none,
 * and one without manages both.
 */
function inlineDirections(
  group: StateInstance,
  stack: TerraformStack | undefined,
  hasRuleResources: boolean,
): Set<RuleDirection> {
  const declaration =
    stack && !group.address.startsWith('module.') ? findResource(stack, group.address) : undefined;
  if (declaration) {
    const directions = new Set<RuleDirection>();
    for (const direction of ['ingress', 'egress'] as const) {
      if (
        declaration.block.blocks.some((block) => block.type === direction) ||
        attributeOf(declaration.block, direction)
      ) {
        directions.add(direction);
      }
    }
    return directions;
  }
  return hasRuleResources ? new Set() : new Set(['ingress', 'egress']);
}

/**
 * Groups by id, or listed by the VPCs the groups in state record (a group cannot leave
 * its VPC); groups known only from a rule resource have no recorded VPC and go by id.
 */
async function describeGroups(
  session: AwsSession,
  ids: string[],
  groups: readonly StateInstance[],
): Promise<SecurityGroup[]> {
  return readLive<SecurityGroup>({
    ids,
    idFilter: 'group-id',
    scope: recordedScope(groups, 'vpc-id', 'vpc_id'),
    pageSize: 1000,
    idOf: (group) => group.GroupId,
    pages: (Filters) =>
      livePages(
        paginateDescribeSecurityGroups({ client: session.ec2(), pageSize: 1000 }, { Filters }),
        (page) => page.SecurityGroups,
      ),
  });
}

/** `sgr-` rules by id, or listed by their groups (a rule cannot move to another group). */
async function describeRules(
  session: AwsSession,
  rules: readonly StateInstance[],
): Promise<SecurityGroupRule[]> {
  const ruleId = (rule: StateInstance) =>
    String(rule.attributes.security_group_rule_id ?? rule.attributes.id ?? '');
  const groupOfRule = new Map(
    rules.map((rule) => [ruleId(rule), String(rule.attributes.security_group_id ?? '')]),
  );
  return readLive<SecurityGroupRule>({
    ids: rules.map(ruleId),
    idFilter: 'security-group-rule-id',
    scope: { filter: 'group-id', valueOf: (id) => groupOfRule.get(id) || undefined },
    pageSize: 1000,
    idOf: (rule) => rule.SecurityGroupRuleId,
    pages: (Filters) =>
      livePages(
        paginateDescribeSecurityGroupRules({ client: session.ec2(), pageSize: 1000 }, { Filters }),
        (page) => page.SecurityGroupRules,
      ),
  });
}

function groupView(
  group: SecurityGroup,
  recorded: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name: group.GroupName ?? null,
    description: group.Description ?? null,
    vpc_id: group.VpcId ?? null,
    ...liveTagAttributes(tagMap(group.Tags), recorded),
  };
}

function recordedGroupView(recorded: Record<string, unknown>): Record<string, unknown> {
  return {
    name: recorded.name ?? null,
    description: recorded.description ?? null,
    vpc_id: recorded.vpc_id ?? null,
    ...recordedTagAttributes(recorded),
  };
}

export const securityGroupFamily: ResourceFamily = {
  name: 'security groups',
  types: ['aws_security_group', ...RULE_TYPES],

  async scan(session, instances, stack): Promise<FamilyScan> {
    const groups = instances.filter((instance) => instance.type === 'aws_security_group');
    const ruleResources = instances.filter((instance) => RULE_TYPES.includes(instance.type));
    const groupIdOfRule = (rule: StateInstance) => String(rule.attributes.security_group_id ?? '');
    const allGroupIds = [
      ...new Set([...groups.map(idOf), ...ruleResources.map(groupIdOfRule)]),
    ].filter(Boolean);

    const liveGroups = new Map(
      (await describeGroups(session, allGroupIds, groups)).map((group) => [group.GroupId!, group]),
    );
    const needsRuleIds = ruleResources.some((rule) => rule.type !== 'aws_security_group_rule');
    const liveRules = needsRuleIds
      ? new Map(
          (
            await describeRules(
              session,
              ruleResources.filter((rule) => rule.type !== 'aws_security_group_rule'),
            )
          ).map((rule) => [rule.SecurityGroupRuleId!, rule]),
        )
      : new Map<string, SecurityGroupRule>();

    const liveAtoms = (groupId: string, direction: RuleDirection): RuleAtom[] => {
      const group = liveGroups.get(groupId);
      if (!group) return [];
      return atomsFromPermissions(
        direction === 'ingress' ? group.IpPermissions : group.IpPermissionsEgress,
        {
          id: groupId,
          ownerId: group.OwnerId,
        },
      );
    };

    const comparisons: Comparison[] = [];
    // Atoms owned by separate rule resources, per group and direction, for unmanaged-rule detection.
    const covered = new Map<string, Set<string>>();
    const cover = (groupId: string, direction: RuleDirection, atoms: RuleAtom[]) => {
      const key = `${groupId} ${direction}`;
      const set = covered.get(key) ?? new Set<string>();
      for (const atom of atoms) set.add(atomKey(atom));
      covered.set(key, set);
    };

    for (const rule of ruleResources) {
      const groupId = groupIdOfRule(rule);
      const ownerId = liveGroups.get(groupId)?.OwnerId;
      if (rule.type === 'aws_security_group_rule') {
        const direction = rule.attributes.type === 'egress' ? 'egress' : 'ingress';
        const wanted = atomsOfRuleResource(rule.attributes, ownerId);
        cover(groupId, direction, wanted);
        const live = new Map(liveAtoms(groupId, direction).map((atom) => [atomKey(atom), atom]));
        const present = wanted
          .map((atom) => live.get(atomKey(atom)))
          .filter((atom): atom is RuleAtom => atom !== undefined);
        const recordedView = {
          type: direction,
          ...ruleResourceView(wanted, String(rule.attributes.description ?? '')),
        };
        comparisons.push({
          instance: rule,
          recorded: recordedView,
          live:
            present.length === 0
              ? null
              : { type: direction, ...ruleResourceView(present, present[0]!.description) },
        });
      } else {
        const direction = rule.type === 'aws_vpc_security_group_egress_rule' ? 'egress' : 'ingress';
        const ruleId = String(rule.attributes.security_group_rule_id ?? rule.attributes.id ?? '');
        const liveRule = liveRules.get(ruleId);
        const recorded = recordedVpcRuleView(rule.attributes);
        if (liveRule) {
          const live = liveVpcRuleView(liveRule, rule.attributes, ownerId);
          cover(groupId, direction, [atomOfVpcRule(live, live.description ?? '')]);
          comparisons.push({ instance: rule, recorded: { ...recorded }, live: { ...live } });
        } else {
          comparisons.push({ instance: rule, recorded: { ...recorded }, live: null });
        }
      }
    }

    const groupsWithRuleResources = new Set(ruleResources.map(groupIdOfRule));
    for (const group of groups) {
      const groupId = idOf(group);
      const live = liveGroups.get(groupId);
      const recorded = recordedGroupView(group.attributes);
      if (!live) {
        comparisons.push({ instance: group, recorded, live: null });
        continue;
      }
      const liveView = groupView(live, group.attributes);
      const inline = inlineDirections(group, stack, groupsWithRuleResources.has(groupId));
      for (const direction of ['ingress', 'egress'] as const) {
        const liveBlocks = blocksFromAtoms(liveAtoms(groupId, direction));
        if (inline.has(direction)) {
          recorded[direction] = blocksFromAtoms(
            atomsFromBlocks(group.attributes[direction], live.OwnerId),
          );
          liveView[direction] = liveBlocks;
        } else if (groupsWithRuleResources.has(groupId)) {
          // Separate rule resources: only live rules nobody owns are drift (missing owned
          // rules are reported on their own resources).
          const owned = covered.get(`${groupId} ${direction}`) ?? new Set<string>();
          recorded[direction] = blocksFromAtoms(
            liveAtoms(groupId, direction).filter((atom) => owned.has(atomKey(atom))),
          );
          liveView[direction] = liveBlocks;
        }
      }
      comparisons.push({ instance: group, recorded, live: liveView });
    }
    return { comparisons };
  },
};
