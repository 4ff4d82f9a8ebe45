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
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { PlannedOperation } from '../../remediation/execute.js';
import { EXECUTABLE_S3_OPERATIONS, sendS3Operation } from './s3-operations.js';
import type { S3Client } from '@aws-sdk/client-s3';

/** IAM writes the revert planner plans (remediation/revert-iam.ts); IAM is global. */
const IAM_COMMANDS = {
  PutRolePolicy: PutRolePolicyCommand,
  DeleteRolePolicy: DeleteRolePolicyCommand,
  AttachRolePolicy: AttachRolePolicyCommand,
  DetachRolePolicy: DetachRolePolicyCommand,
  PutUserPolicy: PutUserPolicyCommand,
  DeleteUserPolicy: DeleteUserPolicyCommand,
  AttachUserPolicy: AttachUserPolicyCommand,
  DetachUserPolicy: DetachUserPolicyCommand,
  UpdateAssumeRolePolicy: UpdateAssumeRolePolicyCommand,
} as const;

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

export const EXECUTABLE_OPERATIONS = [
  ...Object.keys(COMMANDS),
  ...Object.keys(IAM_COMMANDS),
  ...EXECUTABLE_S3_OPERATIONS,
];

/** The clients operations go to (an AwsSession): each service's operation to its own client. */
export interface OperationClients {
  ec2(): EC2Client;
  iam(): IAMClient;
  s3(): S3Client;
}

export async function sendOperation(
  clients: OperationClients,
  operation: PlannedOperation,
): Promise<void> {
  if (EXECUTABLE_S3_OPERATIONS.includes(operation.api))
    return sendS3Operation(clients.s3(), operation);
  const IamCommand = IAM_COMMANDS[operation.api as keyof typeof IAM_COMMANDS] as
    (new (input: unknown) => Parameters<IAMClient['send']>[0]) | undefined;
  if (IamCommand) {
    await clients.iam().send(new IamCommand(operation.params));
    return;
  }
  const ec2 = clients.ec2();
  const Command = COMMANDS[operation.api as keyof typeof COMMANDS] as
    (new (input: unknown) => Parameters<EC2Client['send']>[0]) | undefined;
  if (!Command) throw new Error(`driftgate does not execute ${operation.api}`);
  // The params were written by the planner for exactly this command.
  await ec2.send(new Command(operation.params));
}
