/**
 * IAM roles, policies and their attachments in the AWS provider's shape. The live side is
 * built from GetAccountAuthorizationDetails' entries (written structurally: no SDK here).
 * Documents are compared semantically (policy-document.ts): when live grants the same as state,
 * the compared value is state's own text, so a re-ordered or URL-encoded document is no
 * drift. Not compared: a role's `description` and `max_session_duration`, and a policy's
 * tags, which that API does not return (a refresh-only plan covers them).
 */
import { livePolicyValue } from './policy-document.js';
import { liveTagAttributes, recordedTagAttributes, tagMap } from './tags.js';

export const IAM_ROLE_TYPES = [
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
] as const;
export const IAM_USER_TYPES = ['aws_iam_user_policy', 'aws_iam_user_policy_attachment'] as const;
export const IAM_POLICY_TYPES = ['aws_iam_policy'] as const;
export const IAM_TYPES: readonly string[] = [
  ...IAM_ROLE_TYPES,
  ...IAM_USER_TYPES,
  ...IAM_POLICY_TYPES,
];

/** Set-typed attributes of the IAM types (merged into schema.ts). */
export const IAM_SET_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ['managed_policy_arns', 'inline_policy'],
};

interface InlinePolicyLike {
  PolicyName?: string | undefined;
  PolicyDocument?: string | undefined;
}
interface AttachedLike {
  PolicyArn?: string | undefined;
}

/** The fields of IAM's RoleDetail this model reads. */
export interface RoleDetailLike {
  RoleName?: string | undefined;
  Path?: string | undefined;
  AssumeRolePolicyDocument?: string | undefined;
  RolePolicyList?: InlinePolicyLike[] | undefined;
  AttachedManagedPolicies?: AttachedLike[] | undefined;
  PermissionsBoundary?: { PermissionsBoundaryArn?: string | undefined } | undefined;
  Tags?: { Key?: string | undefined; Value?: string | undefined }[] | undefined;
}

/** The fields of IAM's UserDetail this model reads. */
export interface UserDetailLike {
  UserName?: string | undefined;
  UserPolicyList?: InlinePolicyLike[] | undefined;
  AttachedManagedPolicies?: AttachedLike[] | undefined;
}

/** The fields of IAM's ManagedPolicyDetail this model reads. */
export interface ManagedPolicyLike {
  Arn?: string | undefined;
  PolicyName?: string | undefined;
  Path?: string | undefined;
  Description?: string | undefined;
  PolicyVersionList?:
    { Document?: string | undefined; IsDefaultVersion?: boolean | undefined }[] | undefined;
}

/** What the role's own state and the stack's other resources say it should have. */
export interface RoleOwnership {
  /** Managed policy ARNs some resource in state attaches (attachments, `managed_policy_arns`). */
  attachedArns: ReadonlySet<string>;
  /** Inline policy names some resource in state owns (`aws_iam_role_policy`, `inline_policy`). */
  inlineNames: ReadonlySet<string>;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function recordedRoleView(attributes: Record<string, unknown>): Record<string, unknown> {
  return {
    name: attributes.name ?? null,
    path: attributes.path ?? '/',
    permissions_boundary: text(attributes.permissions_boundary),
    assume_role_policy: attributes.assume_role_policy ?? null,
    ...recordedTagAttributes(attributes),
  };
}

function inlineEntries(list: InlinePolicyLike[] | undefined) {
  return (list ?? []).map((entry) => ({
    name: entry.PolicyName ?? '',
    policy: livePolicyValue(undefined, entry.PolicyDocument) ?? '',
  }));
}

/**
 * A role's live view, and the recorded side of its attachments and inline policies: the
 * live ones some resource in state owns. What no resource owns is drift `terraform plan`
 * cannot see, shown as an added `managed_policy_arns` entry or `inline_policy` element
 * (like unmanaged security group rules).
 */
export function roleViews(
  attributes: Record<string, unknown>,
  live: RoleDetailLike,
  owned: RoleOwnership,
): { recorded: Record<string, unknown>; live: Record<string, unknown> } {
  const arns = (live.AttachedManagedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').sort();
  const inline = inlineEntries(live.RolePolicyList).sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    recorded: {
      ...recordedRoleView(attributes),
      managed_policy_arns: arns.filter((arn) => owned.attachedArns.has(arn)),
      inline_policy: inline.filter((entry) => owned.inlineNames.has(entry.name)),
    },
    live: {
      name: live.RoleName ?? null,
      path: live.Path ?? '/',
      permissions_boundary: live.PermissionsBoundary?.PermissionsBoundaryArn ?? '',
      assume_role_policy: livePolicyValue(
        attributes.assume_role_policy,
        live.AssumeRolePolicyDocument,
      ),
      ...liveTagAttributes(tagMap(live.Tags), attributes),
      managed_policy_arns: arns,
      inline_policy: inline,
    },
  };
}

/** `aws_iam_role_policy` / `aws_iam_user_policy`: `owner` is `role` or `user`. */
export function inlinePolicyViews(
  owner: 'role' | 'user',
  attributes: Record<string, unknown>,
  live: InlinePolicyLike[] | undefined,
): { recorded: Record<string, unknown>; live: Record<string, unknown> | null } {
  const name = text(attributes.name);
  const recorded = { [owner]: attributes[owner] ?? null, name, policy: attributes.policy ?? null };
  const found = live?.find((entry) => entry.PolicyName === name);
  return {
    recorded,
    live: found
      ? {
          [owner]: attributes[owner] ?? null,
          name,
          policy: livePolicyValue(attributes.policy, found.PolicyDocument),
        }
      : null,
  };
}

/** `aws_iam_role_policy_attachment` / `aws_iam_user_policy_attachment`: present or gone. */
export function attachmentViews(
  owner: 'role' | 'user',
  attributes: Record<string, unknown>,
  live: AttachedLike[] | undefined,
): { recorded: Record<string, unknown>; live: Record<string, unknown> | null } {
  const recorded = {
    [owner]: attributes[owner] ?? null,
    policy_arn: attributes.policy_arn ?? null,
  };
  const present = live?.some((entry) => entry.PolicyArn === attributes.policy_arn) ?? false;
  return { recorded, live: present ? { ...recorded } : null };
}

/** `aws_iam_policy`: its name, path, description and default version's document. */
export function managedPolicyViews(
  attributes: Record<string, unknown>,
  live: ManagedPolicyLike | undefined,
): { recorded: Record<string, unknown>; live: Record<string, unknown> | null } {
  const recorded = {
    name: attributes.name ?? null,
    path: attributes.path ?? '/',
    description: text(attributes.description),
    policy: attributes.policy ?? null,
  };
  if (!live) return { recorded, live: null };
  const document = live.PolicyVersionList?.find((version) => version.IsDefaultVersion)?.Document;
  return {
    recorded,
    live: {
      // The name is the ARN's last segment when an API (or moto) leaves PolicyName out.
      name: live.PolicyName ?? live.Arn?.split('/').pop() ?? null,
      path: live.Path ?? '/',
      description: live.Description ?? '',
      policy: livePolicyValue(attributes.policy, document),
    },
  };
}
