/**
 * IAM roles, policies and attachments: one paged GetAccountAuthorizationDetails (1000
 * entries a page, the API's maximum), filtered to the entity types the stack has, instead
 * of a call per resource. Its pages hold every role, user and customer-managed policy of
 * the account with their inline documents and attachments, so one listing answers every
 * IAM resource in state: ⌈entities/1000⌉ calls. IAM is global; the session's region only
 * picks the partition.
 */
import {
  paginateGetAccountAuthorizationDetails,
  type EntityType,
  type ManagedPolicyDetail,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import {
  attachmentViews,
  IAM_POLICY_TYPES,
  IAM_ROLE_TYPES,
  IAM_TYPES,
  IAM_USER_TYPES,
  inlinePolicyViews,
  managedPolicyViews,
  recordedRoleView,
  roleViews,
} from '../../providers/aws/iam.js';
import type { StateInstance } from '../../terraform/state.js';
import { attributeOf, findResource, type TerraformStack } from '../../terraform/stack.js';
import type { Comparison, ResourceFamily } from './family.js';
import type { AwsSession } from './session.js';

interface AccountDetails {
  roles: Map<string, RoleDetail>;
  users: Map<string, UserDetail>;
  policies: Map<string, ManagedPolicyDetail>;
}

async function readAccountDetails(
  session: AwsSession,
  filter: EntityType[],
): Promise<AccountDetails> {
  const details: AccountDetails = { roles: new Map(), users: new Map(), policies: new Map() };
  const pages = paginateGetAccountAuthorizationDetails(
    { client: session.iam(), pageSize: 1000 },
    { Filter: filter },
  );
  for await (const page of pages) {
    for (const role of page.RoleDetailList ?? [])
      if (role.RoleName) details.roles.set(role.RoleName, role);
    for (const user of page.UserDetailList ?? [])
      if (user.UserName) details.users.set(user.UserName, user);
    for (const policy of page.Policies ?? [])
      if (policy.Arn) details.policies.set(policy.Arn, policy);
  }
  return details;
}

const has = (instances: StateInstance[], types: readonly string[]) =>
  instances.some((instance) => types.includes(instance.type));

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Does the role's own block manage `attribute` (`managed_policy_arns`, `inline_policy`)?
 * Its recorded value then counts as owned. Without the HCL (a module's resource), state's
 * value counts as owned: what was there at the last apply is not reported as unmanaged.
 */
function declares(
  role: StateInstance,
  stack: TerraformStack | undefined,
  attribute: string,
): boolean {
  const declaration =
    stack && !role.address.startsWith('module.') ? findResource(stack, role.address) : undefined;
  if (!declaration) return true;
  return (
    attributeOf(declaration.block, attribute) !== undefined ||
    declaration.block.blocks.some((block) => block.type === attribute)
  );
}

function roleComparison(
  role: StateInstance,
  live: RoleDetail | undefined,
  instances: StateInstance[],
  stack: TerraformStack | undefined,
): Comparison {
  if (!live) return { instance: role, recorded: recordedRoleView(role.attributes), live: null };
  const name = text(role.attributes.name) || text(role.attributes.id);
  const ofRole = (type: string) =>
    instances.filter(
      (instance) => instance.type === type && text(instance.attributes.role) === name,
    );
  const attachedArns = new Set(
    ofRole('aws_iam_role_policy_attachment').map((instance) =>
      text(instance.attributes.policy_arn),
    ),
  );
  const inlineNames = new Set(
    ofRole('aws_iam_role_policy').map((instance) => text(instance.attributes.name)),
  );
  if (declares(role, stack, 'managed_policy_arns'))
    for (const arn of (role.attributes.managed_policy_arns as unknown[] | undefined) ?? [])
      attachedArns.add(String(arn));
  if (declares(role, stack, 'inline_policy'))
    for (const block of (role.attributes.inline_policy as { name?: unknown }[] | undefined) ?? [])
      inlineNames.add(text(block?.name));
  const views = roleViews(role.attributes, live, { attachedArns, inlineNames });
  return { instance: role, ...views };
}

export const iamFamily: ResourceFamily = {
  name: 'IAM roles and policies',
  types: IAM_TYPES,
  async scan(session, instances, stack) {
    const filter: EntityType[] = [];
    if (has(instances, IAM_ROLE_TYPES)) filter.push('Role');
    if (has(instances, IAM_USER_TYPES)) filter.push('User');
    if (has(instances, IAM_POLICY_TYPES)) filter.push('LocalManagedPolicy');
    const details = await readAccountDetails(session, filter);
    const comparisons: Comparison[] = instances.map((instance): Comparison => {
      const attributes = instance.attributes;
      switch (instance.type) {
        case 'aws_iam_role':
          return roleComparison(
            instance,
            details.roles.get(text(attributes.name) || text(attributes.id)),
            instances,
            stack,
          );
        case 'aws_iam_role_policy':
          return {
            instance,
            ...inlinePolicyViews(
              'role',
              attributes,
              details.roles.get(text(attributes.role))?.RolePolicyList,
            ),
          };
        case 'aws_iam_role_policy_attachment':
          return {
            instance,
            ...attachmentViews(
              'role',
              attributes,
              details.roles.get(text(attributes.role))?.AttachedManagedPolicies,
            ),
          };
        case 'aws_iam_user_policy':
          return {
            instance,
            ...inlinePolicyViews(
              'user',
              attributes,
              details.users.get(text(attributes.user))?.UserPolicyList,
            ),
          };
        case 'aws_iam_user_policy_attachment':
          return {
            instance,
            ...attachmentViews(
              'user',
              attributes,
              details.users.get(text(attributes.user))?.AttachedManagedPolicies,
            ),
          };
        default:
          return {
            instance,
            ...managedPolicyViews(
              attributes,
              details.policies.get(text(attributes.arn) || text(attributes.id)),
            ),
          };
      }
    });
    return { comparisons };
  },
};
