/**
 * Sending one planned EC2 operation. Only the operations the revert planner writes are
 * known; anything else is refused, so a ledger record edited by hand cannot make driftgate
 * call an arbitrary API.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  ModifyInstanceAttributeCommand,
  ModifySecurityGroupRulesCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  ReplaceRouteCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { PlannedOperation } from '../../remediation/execute.js';
import { EXECUTABLE_S3_OPERATIONS, sendS3Operation } from './s3-operations.js';
import type { AwsSession } from './session.js';

const COMMANDS = {
  AuthorizeSecurityGroupIngress: AuthorizeSecurityGroupIngressCommand,
  AuthorizeSecurityGroupEgress: AuthorizeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngress: RevokeSecurityGroupIngressCommand,
  RevokeSecurityGroupEgress: RevokeSecurityGroupEgressCommand,
  CreateTags: CreateTagsCommand,
  DeleteTags: DeleteTagsCommand,
  ModifyVpcAttribute: ModifyVpcAttributeCommand,
  ModifySubnetAttribute: ModifySubnetAttributeCommand,
  ModifyInstanceAttribute: ModifyInstanceAttributeCommand,
  ModifySecurityGroupRules: ModifySecurityGroupRulesCommand,
  UpdateSecurityGroupRuleDescriptionsIngress: UpdateSecurityGroupRuleDescriptionsIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgress: UpdateSecurityGroupRuleDescriptionsEgressCommand,
  CreateRoute: CreateRouteCommand,
  DeleteRoute: DeleteRouteCommand,
  ReplaceRoute: ReplaceRouteCommand,
} as const;

export const EXECUTABLE_OPERATIONS = [...Object.keys(COMMANDS), ...EXECUTABLE_S3_OPERATIONS];

export async function sendOperation(ec2: EC2Client, operation: PlannedOperation): Promise<void> {
  const Command = COMMANDS[operation.api as keyof typeof COMMANDS] as
    (new (input: unknown) => Parameters<EC2Client['send']>[0]) | undefined;
  if (!Command) throw new Error(`driftgate does not execute ${operation.api}`);
  // The params were written by the planner for exactly this command.
  await ec2.send(new Command(operation.params));
}

/** Send one planned operation with the session's client for its service (S3 or EC2). */
export async function sendSessionOperation(
  session: AwsSession,
  operation: PlannedOperation,
): Promise<void> {
  if (EXECUTABLE_S3_OPERATIONS.includes(operation.api))
    return sendS3Operation(session.s3(), operation);
  return sendOperation(session.ec2(), operation);
}
