/**
 * The shape of every EC2 operation the revert planner writes, by API name. A ledger
 * record is read back from git (and can be edited by anyone with write access), so its
 * planned operations are checked against these before undo, execution or display:
 * an unknown API or missing parameters is an error naming the record, not a TypeError
 * deep in the executor. Pure (zod only).
 */
import { z } from 'zod';
import { IAM_OPERATIONS } from './revert-iam.js';
import { S3_OPERATION_PARAMS, S3_OPERATIONS } from './operation-schema-s3.js';

const id = z.string().min(1);

const securityGroupRules = z
  .object({ GroupId: id, IpPermissions: z.array(z.record(z.string(), z.unknown())).min(1) })
  .loose();

const tags = (value: 'required' | 'optional') =>
  z
    .object({
      Resources: z.array(id).min(1),
      Tags: z
        .array(
          z.object({
            Key: z.string(),
            Value: value === 'required' ? z.string() : z.string().optional(),
          }),
        )
        .min(1),
    })
    .loose();

/** `{VpcId, EnableDnsSupport: {Value: true}}`: the id and exactly one boolean attribute. */
const attribute = (idKey: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((params) => typeof params[idKey] === 'string' && params[idKey] !== '', {
      message: `needs ${idKey}`,
    })
    .refine(
      (params) => {
        const others = Object.entries(params).filter(([key]) => key !== idKey);
        return (
          others.length === 1 &&
          typeof (others[0]![1] as { Value?: unknown } | null)?.Value === 'boolean'
        );
      },
      { message: `needs exactly one attribute besides ${idKey}, as {"Value": true|false}` },
    );

const DESTINATIONS = [
  'DestinationCidrBlock',
  'DestinationIpv6CidrBlock',
  'DestinationPrefixListId',
];
const route = z
  .record(z.string(), z.unknown())
  .refine((params) => typeof params.RouteTableId === 'string' && params.RouteTableId !== '', {
    message: 'needs RouteTableId',
  })
  .refine((params) => DESTINATIONS.filter((key) => typeof params[key] === 'string').length === 1, {
    message: `needs exactly one of ${DESTINATIONS.join(', ')}`,
  });

/** A rule resource changed in place (`aws_vpc_security_group_ingress_rule`). */
const modifyRules = z
  .object({
    GroupId: id,
    SecurityGroupRules: z
      .array(
        z.object({
          SecurityGroupRuleId: id,
          SecurityGroupRule: z.record(z.string(), z.unknown()),
        }),
      )
      .min(1),
  })
  .loose();

/** IAM writes: the entity, and the policy (its name and document, or its ARN). */
const iamEntity = (owner: 'RoleName' | 'UserName', needs: readonly string[]) =>
  z.object({ [owner]: id, ...Object.fromEntries(needs.map((key) => [key, id])) }).loose();

export const OPERATION_PARAMS: Record<string, z.ZodType<Record<string, unknown>>> = {
  AuthorizeSecurityGroupIngress: securityGroupRules,
  AuthorizeSecurityGroupEgress: securityGroupRules,
  RevokeSecurityGroupIngress: securityGroupRules,
  RevokeSecurityGroupEgress: securityGroupRules,
  UpdateSecurityGroupRuleDescriptionsIngress: securityGroupRules,
  UpdateSecurityGroupRuleDescriptionsEgress: securityGroupRules,
  CreateTags: tags('required'),
  DeleteTags: tags('optional'),
  ModifyVpcAttribute: attribute('VpcId'),
  ModifySubnetAttribute: attribute('SubnetId'),
  ModifyInstanceAttribute: attribute('InstanceId'),
  ModifySecurityGroupRules: modifyRules,
  CreateRoute: route,
  DeleteRoute: route,
  ReplaceRoute: route,
  PutRolePolicy: iamEntity('RoleName', ['PolicyName', 'PolicyDocument']),
  DeleteRolePolicy: iamEntity('RoleName', ['PolicyName']),
  AttachRolePolicy: iamEntity('RoleName', ['PolicyArn']),
  DetachRolePolicy: iamEntity('RoleName', ['PolicyArn']),
  PutUserPolicy: iamEntity('UserName', ['PolicyName', 'PolicyDocument']),
  DeleteUserPolicy: iamEntity('UserName', ['PolicyName']),
  AttachUserPolicy: iamEntity('UserName', ['PolicyArn']),
  DetachUserPolicy: iamEntity('UserName', ['PolicyArn']),
  UpdateAssumeRolePolicy: iamEntity('RoleName', ['PolicyDocument']),
  ...S3_OPERATION_PARAMS,
};

const call = {
  api: z.string(),
  params: z.record(z.string(), z.unknown()),
  description: z.string().optional(),
};

function checkParams(
  operation: { api: string; params: Record<string, unknown> },
  context: z.RefinementCtx,
): void {
  const params = OPERATION_PARAMS[operation.api];
  if (!params) {
    context.addIssue({
      code: 'custom',
      path: ['api'],
      message: `${JSON.stringify(operation.api)} is not an operation driftgate plans (known: ${Object.keys(OPERATION_PARAMS).join(', ')})`,
    });
    return;
  }
  const result = params.safeParse(operation.params);
  for (const issue of result.success ? [] : result.error.issues)
    context.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
}

/** One `{api, params, description?}`: an API driftgate plans, with the params it needs. */
export const operationCallSchema = z.object(call).superRefine(checkParams);

/**
 * Operations whose inverse cannot be derived from their params and the pre-image (a route's
 * old target, a rule's old description): the planner records the inverse with them.
 */
const RECORDED_INVERSE = new Set([
  'ModifySecurityGroupRules',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'CreateRoute',
  'DeleteRoute',
  'ReplaceRoute',
  ...IAM_OPERATIONS,
  ...S3_OPERATIONS,
]);

/** A planned operation as a ledger record stores it, with its exact inverse if known. */
export const plannedOperationSchema = z
  .object({ ...call, inverse: operationCallSchema.optional() })
  .superRefine(checkParams)
  .superRefine((operation, context) => {
    if (RECORDED_INVERSE.has(operation.api) && !operation.inverse)
      context.addIssue({
        code: 'custom',
        path: ['inverse'],
        message: `a ${operation.api} needs its recorded inverse (it cannot be undone without it)`,
      });
  });
