/**
 * Reverting IAM drift by API where the call restores exactly what state records, each
 * with its exact inverse (the planner sees both documents):
 *
 * - an inline policy's document: PutRolePolicy / PutUserPolicy with the recorded text;
 * - a role's trust policy: UpdateAssumeRolePolicy;
 * - a managed policy attached by hand to a managed role: DetachRolePolicy;
 * - an inline policy added by hand to a managed role: DeleteRolePolicy.
 *
 * Not by API: an `aws_iam_policy` document (a new policy version is not the recorded one:
 * IAM keeps at most five versions and the default version id changes — terraform apply
 * manages the versions), IAM tags, names and paths. Pure.
 */
import type { Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import type { RevertOperation, RevertPlan, RevertTarget } from './revert-types.js';
import { shellQuote } from './shell.js';

type Params = Record<string, unknown>;

/** The IAM APIs the planner writes; every one carries its recorded inverse. */
export const IAM_OPERATIONS = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'UpdateAssumeRolePolicy',
] as const;

/** What an IAM operation does, in words, from its own parameters. */
export function describeIamOperation(api: string, params: Params): string | undefined {
  const role = String(params.RoleName ?? params.UserName ?? '?');
  switch (api) {
    case 'PutRolePolicy':
    case 'PutUserPolicy':
      return `write inline policy ${String(params.PolicyName)} of ${role}`;
    case 'DeleteRolePolicy':
    case 'DeleteUserPolicy':
      return `delete inline policy ${String(params.PolicyName)} of ${role}`;
    case 'AttachRolePolicy':
    case 'AttachUserPolicy':
      return `attach ${String(params.PolicyArn)} to ${role}`;
    case 'DetachRolePolicy':
    case 'DetachUserPolicy':
      return `detach ${String(params.PolicyArn)} from ${role}`;
    case 'UpdateAssumeRolePolicy':
      return `write the trust policy of ${role}`;
    default:
      return undefined;
  }
}

/** `aws iam put-role-policy --cli-input-json '…'`: IAM is global, so no `--region`. */
export function awsIamCommand(api: string, params: Params): string {
  const subcommand = api.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `aws iam ${subcommand} --cli-input-json ${shellQuote(JSON.stringify(params))}`;
}

function operation(api: string, params: Params, inverse: { api: string; params: Params }) {
  const planned: RevertOperation = {
    api,
    params,
    description: describeIamOperation(api, params) ?? api,
    command: awsIamCommand(api, params),
    inverse: {
      ...inverse,
      description: describeIamOperation(inverse.api, inverse.params) ?? inverse.api,
    },
  };
  return planned;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Plan the IAM part of a drift; returns the formatted paths it planned, so the generic
 * planner refuses the rest.
 */
export function iamOperations(drift: Drift, target: RevertTarget, plan: RevertPlan): Set<string> {
  const handled = new Set<string>();
  const attributes = target.attributes ?? {};
  for (const change of drift.changes) {
    const [head] = change.path;
    const path = formatPath(change.path);
    if (change.path.length !== 1) continue;
    if (
      (drift.type === 'aws_iam_role_policy' || drift.type === 'aws_iam_user_policy') &&
      head === 'policy' &&
      typeof change.recorded === 'string' &&
      typeof change.live === 'string'
    ) {
      const owner = drift.type === 'aws_iam_role_policy' ? 'RoleName' : 'UserName';
      const api = drift.type === 'aws_iam_role_policy' ? 'PutRolePolicy' : 'PutUserPolicy';
      const base = {
        [owner]: text(attributes[owner === 'RoleName' ? 'role' : 'user']),
        PolicyName: text(attributes.name),
      };
      plan.operations.push(
        operation(
          api,
          { ...base, PolicyDocument: change.recorded },
          { api, params: { ...base, PolicyDocument: change.live } },
        ),
      );
      handled.add(path);
    } else if (drift.type === 'aws_iam_role') {
      const RoleName = text(attributes.name) || target.id;
      if (
        head === 'assume_role_policy' &&
        typeof change.recorded === 'string' &&
        typeof change.live === 'string'
      ) {
        plan.operations.push(
          operation(
            'UpdateAssumeRolePolicy',
            { RoleName, PolicyDocument: change.recorded },
            {
              api: 'UpdateAssumeRolePolicy',
              params: { RoleName, PolicyDocument: change.live },
            },
          ),
        );
        handled.add(path);
      } else if (head === 'managed_policy_arns' && Array.isArray(change.live)) {
        const recorded = Array.isArray(change.recorded) ? change.recorded.map(String) : [];
        const unmanaged = change.live.map(String).filter((arn) => !recorded.includes(arn));
        // Only attachments nobody owns: an owned one missing is its attachment's drift.
        if (recorded.some((arn) => !(change.live as unknown[]).includes(arn))) continue;
        for (const PolicyArn of unmanaged)
          plan.operations.push(
            operation(
              'DetachRolePolicy',
              { RoleName, PolicyArn },
              { api: 'AttachRolePolicy', params: { RoleName, PolicyArn } },
            ),
          );
        handled.add(path);
      } else if (head === 'inline_policy' && change.setElement === 'added') {
        const element = (change.live ?? {}) as Params;
        plan.operations.push(
          operation(
            'DeleteRolePolicy',
            { RoleName, PolicyName: text(element.name) },
            {
              api: 'PutRolePolicy',
              params: {
                RoleName,
                PolicyName: text(element.name),
                PolicyDocument: text(element.policy),
              },
            },
          ),
        );
        handled.add(path);
      }
    }
  }
  return handled;
}

/** Why an IAM attribute is not reverted by API. */
export const IAM_NOT_BY_API: Record<string, Record<string, string>> = {
  aws_iam_policy: {
    policy:
      'a new policy version is not the recorded one (IAM keeps at most five versions and the default version id changes); terraform apply manages the versions',
    name: 'a different name replaces the policy',
    path: 'a different path replaces the policy',
    description: 'a different description replaces the policy',
  },
  aws_iam_role: {
    name: 'a different name replaces the role',
    path: 'a different path replaces the role',
    tags: 'IAM tags are not reverted by API yet; terraform apply restores them',
  },
};
