/**
 * Security group rules written as separate resources (`aws_security_group_rule`,
 * `aws_vpc_security_group_ingress_rule` / `_egress_rule`). The provider forbids mixing
 * them with inline `ingress` / `egress` of the same group, so a group is codified in the
 * form it already uses: `ruleFormOf` decides, `newRuleResource` writes a rule resource.
 */
import { normaliseProtocol } from '../../providers/aws/security-group-rules.js';
import type { HclValue } from '../../terraform/hcl-syntax.js';
import { attributeOf, resourcesOfTypes, type ResourceDeclaration } from '../../terraform/stack.js';
import { evaluate, type EvaluationContext } from './evaluate.js';
import { renderString, renderValue } from './hcl-format.js';
import { equivalent, fileText, isEmpty, lineEndOf, type TextEdit } from './plan-common.js';

export const SECURITY_GROUP_RULE_TYPES = new Set([
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

const GROUP_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);

export interface RuleForm {
  form: 'inline' | 'resources';
  /** Rule resources that reference the group (`aws_security_group.web.id`). */
  ruleResources: ResourceDeclaration[];
}

/**
 * How a group's rules are written. Any inline `ingress`/`egress` block (or `ingress = []`)
 * makes the group inline; otherwise rule resources, also when it has no rule yet in
 * either form (rule resources add to a group without taking over its other rules).
 */
export function ruleFormOf(
  context: EvaluationContext,
  group: ResourceDeclaration,
): RuleForm | undefined {
  if (!GROUP_TYPES.has(group.type)) return undefined;
  const reference = new RegExp(`\\b${group.address.replace('.', '\\.')}\\.id\\b`);
  const ruleResources = resourcesOfTypes(context.stack, SECURITY_GROUP_RULE_TYPES).filter(
    (resource) =>
      reference.test(
        fileText(context, resource.block.file).slice(
          resource.block.range.start,
          resource.block.range.end,
        ),
      ),
  );
  const inline = ['ingress', 'egress'].some(
    (direction) =>
      group.block.blocks.some(
        (block) =>
          block.type === direction || (block.type === 'dynamic' && block.labels[0] === direction),
      ) || attributeOf(group.block, direction) !== undefined,
  );
  return { form: inline ? 'inline' : 'resources', ruleResources };
}

/** Is there already a rule resource for this live rule? */
export function ruleResourceExists(
  context: EvaluationContext,
  rules: ResourceDeclaration[],
  direction: string,
  element: Record<string, unknown>,
): boolean {
  return rules.some((resource) => {
    const value = (name: string) =>
      attributeOf(resource.block, name)
        ? evaluate(attributeOf(resource.block, name)!.value, resource.block.file, context)
        : undefined;
    const type =
      value('type') ??
      (resource.type === 'aws_vpc_security_group_ingress_rule'
        ? 'ingress'
        : resource.type === 'aws_vpc_security_group_egress_rule'
          ? 'egress'
          : undefined);
    const cidr = value('cidr_ipv4');
    return (
      type === direction &&
      equivalent(value('protocol') ?? value('ip_protocol'), element.protocol, 'protocol') &&
      equivalent(value('from_port') ?? 0, element.from_port ?? 0) &&
      equivalent(value('cidr_blocks') ?? (cidr ? [cidr] : []), element.cidr_blocks)
    );
  });
}

function ruleResourceName(
  group: string,
  direction: string,
  element: Record<string, unknown>,
): string {
  const protocol =
    normaliseProtocol(element.protocol as string) === '-1'
      ? 'all'
      : normaliseProtocol(element.protocol as string);
  const ports =
    protocol === 'all'
      ? ''
      : element.from_port === element.to_port
        ? `_${element.from_port}`
        : `_${element.from_port}_${element.to_port}`;
  const sources = [
    ...((element.cidr_blocks as string[]) ?? []),
    ...((element.ipv6_cidr_blocks as string[]) ?? []),
    ...((element.security_groups as string[]) ?? []),
  ];
  const source = element.self ? 'self' : (sources[0] ?? 'rule');
  return `${group}_${direction}_${protocol}${ports}_${source}`
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/_$/, '')
    .toLowerCase();
}

/** A new rule resource for a live rule, after the group's last rule resource (or the group). */
export function newRuleResource(
  context: EvaluationContext,
  group: ResourceDeclaration,
  direction: 'ingress' | 'egress',
  element: Record<string, unknown>,
  rules: ResourceDeclaration[],
): { edit: TextEdit; address: string } {
  const text = fileText(context, group.block.file);
  const groupReference = `${group.address}.id`;
  const sameFile = rules.filter(
    (resource) =>
      resource.block.file === group.block.file &&
      resource.block.range.start > group.block.range.start,
  );
  const anchor = sameFile.at(-1)?.block ?? group.block;
  const useVpcRules =
    rules.length > 0 &&
    rules.every((resource) => resource.type.startsWith('aws_vpc_security_group_'));
  const protocol = normaliseProtocol(element.protocol as string);
  let body: [string, string][];
  let type: string;
  if (useVpcRules) {
    type = `aws_vpc_security_group_${direction}_rule`;
    const cidr = ((element.cidr_blocks as string[]) ?? [])[0];
    body = [
      ['security_group_id', groupReference],
      ['ip_protocol', renderString(protocol)],
      ...(protocol === '-1'
        ? []
        : ([
            ['from_port', String(element.from_port)],
            ['to_port', String(element.to_port)],
          ] as [string, string][])),
      ...(cidr ? ([['cidr_ipv4', renderString(cidr)]] as [string, string][]) : []),
      ...(element.description
        ? ([['description', renderString(String(element.description))]] as [string, string][])
        : []),
    ];
  } else {
    type = 'aws_security_group_rule';
    body = [
      ['type', renderString(direction)],
      ['security_group_id', groupReference],
      ['protocol', renderString(protocol)],
      ['from_port', String(element.from_port ?? 0)],
      ['to_port', String(element.to_port ?? 0)],
      ...(['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids'] as const)
        .filter((key) => !isEmpty(element[key]))
        .map((key) => [key, renderValue(element[key] as HclValue)] as [string, string]),
      ...(!isEmpty(element.security_groups)
        ? ([
            [
              'source_security_group_id',
              renderString(((element.security_groups as string[]) ?? [])[0]!),
            ],
          ] as [string, string][])
        : []),
      ...(element.self ? ([['self', 'true']] as [string, string][]) : []),
      ...(element.description
        ? ([['description', renderString(String(element.description))]] as [string, string][])
        : []),
    ];
  }
  let name = ruleResourceName(group.name, direction, element);
  const taken = new Set(context.stack.resources.map((resource) => resource.address));
  const base = name;
  for (let n = 2; taken.has(`${type}.${name}`); n++) name = `${base}_${n}`;
  const width = Math.max(...body.map(([key]) => key.length));
  const block = `\nresource "${type}" "${name}" {\n${body.map(([key, value]) => `  ${key.padEnd(width)} = ${value}`).join('\n')}\n}\n`;
  const at = lineEndOf(text, anchor.range.end);
  return {
    edit: { file: group.block.file, start: at, end: at, text: block },
    address: `${type}.${name}`,
  };
}
