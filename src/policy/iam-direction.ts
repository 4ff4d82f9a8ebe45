/**
 * Does a manual change to IAM widen or narrow what is granted? *Widening*: live allows
 * something the recorded documents did not — a new action, `*` in Action or Resource, a
 * broader principal, a removed condition, `NotAction` — or a policy was attached or added
 * to a role; a removed `Deny` widens too. *Narrowing*: the reverse. Pure.
 */
import { normalisePolicy, type NormalStatement } from '../providers/aws/policy-document.js';
import type { SecurityAssessment } from './security-direction.js';

/** One grant: an effect on one action (or NotAction) on one resource for one principal. */
interface Grant {
  effect: string;
  notAction: boolean;
  action: string;
  resource: string;
  principal: string;
  conditions: string[];
  /** Where the grant is written: `assume_role_policy`, `inline policy "ops"`. */
  where: string;
}

function grantsOf(text: unknown, where: string): Grant[] {
  const policy = normalisePolicy(text);
  if (!policy) return [];
  return policy.Statement.flatMap((statement: NormalStatement) => {
    const notAction = statement.NotAction !== undefined;
    const actions = (notAction ? statement.NotAction : statement.Action) ?? ['*'];
    const resources = statement.NotResource
      ? statement.NotResource.map((resource) => `not ${resource}`)
      : // A trust policy names no Resource: the role itself.
        (statement.Resource ?? ['']);
    const principals = statement.Principal ?? statement.NotPrincipal ?? [''];
    return actions.flatMap((action) =>
      resources.flatMap((resource) =>
        principals.map((principal) => ({
          effect: statement.Effect,
          notAction,
          action,
          resource,
          principal,
          conditions: statement.Condition ?? [],
          where,
        })),
      ),
    );
  });
}

function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(
    `^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  );
  return regex.test(value);
}

function principalCovers(outer: string, inner: string): boolean {
  if (outer === inner || outer === 'AWS:*') return true;
  // An account's root covers every principal of that account.
  const root = /^AWS:arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(outer);
  return root !== null && inner.startsWith('AWS:') && inner.includes(`::${root[1]}:`);
}

/** Does grant `a` allow everything `b` allows (same effect, as broad or broader)? */
function covers(a: Grant, b: Grant): boolean {
  if (a.effect !== b.effect || a.notAction !== b.notAction) return false;
  const actionOk = a.notAction ? a.action === b.action : globMatches(a.action, b.action, true);
  return (
    actionOk &&
    globMatches(a.resource, b.resource, false) &&
    principalCovers(a.principal, b.principal) &&
    a.conditions.every((condition) => b.conditions.includes(condition))
  );
}

function describeGrant(grant: Grant): string {
  const action = grant.notAction ? `every action except ${grant.action} (NotAction)` : grant.action;
  const principal = grant.principal ? ` to ${grant.principal.replace(/^AWS:/, '')}` : '';
  const resource = grant.resource ? ` on ${grant.resource}` : '';
  return `${action}${resource}${principal} (${grant.where})`;
}

/** Why a live grant is broader than what was recorded, in a reviewer's words. */
function whyBroader(grant: Grant, recorded: Grant[]): string {
  if (grant.notAction) return `NotAction: ${describeGrant(grant)}`;
  // Every action, or every action of a service; a path wildcard (`data/*`) is ordinary.
  if (grant.action === '*' || grant.action.endsWith(':*'))
    return `\`*\` in Action: ${describeGrant(grant)}`;
  if (grant.resource === '*') return `\`*\` in Resource: ${describeGrant(grant)}`;
  const sameTarget = recorded.filter(
    (other) =>
      other.effect === grant.effect &&
      globMatches(other.action, grant.action, true) &&
      globMatches(other.resource, grant.resource, false),
  );
  if (sameTarget.some((other) => principalCovers(other.principal, grant.principal)))
    return `a removed condition: ${describeGrant(grant)}`;
  if (sameTarget.length) return `a broader principal: ${describeGrant(grant)}`;
  return `a new action: ${describeGrant(grant)}`;
}

function more(count: number): string {
  return count > 1 ? ` (and ${count - 1} more)` : '';
}

/** Documents and attachments of one IAM resource, on one side of the change. */
export interface IamSide {
  documents: { where: string; text: unknown }[];
  attachments: string[];
}

export function compareIamGrants(recorded: IamSide, live: IamSide): SecurityAssessment {
  const before = recorded.documents.flatMap((doc) => grantsOf(doc.text, doc.where));
  const after = live.documents.flatMap((doc) => grantsOf(doc.text, doc.where));
  const allowBefore = before.filter((grant) => grant.effect === 'Allow');
  const allowAfter = after.filter((grant) => grant.effect === 'Allow');
  const denyBefore = before.filter((grant) => grant.effect === 'Deny');
  const denyAfter = after.filter((grant) => grant.effect === 'Deny');
  const opened = [
    ...live.attachments
      .filter((arn) => !recorded.attachments.includes(arn))
      .map((arn) => `attached ${arn}`),
    ...allowAfter
      .filter((grant) => !allowBefore.some((other) => covers(other, grant)))
      .map((grant) => whyBroader(grant, allowBefore)),
    ...denyBefore
      .filter((grant) => !denyAfter.some((other) => covers(other, grant)))
      .map((grant) => `a removed Deny: ${describeGrant(grant)}`),
  ];
  const closed = [
    ...recorded.attachments
      .filter((arn) => !live.attachments.includes(arn))
      .map((arn) => `attached ${arn}`),
    ...allowBefore
      .filter((grant) => !allowAfter.some((other) => covers(other, grant)))
      .map((grant) => describeGrant(grant)),
    ...denyAfter
      .filter((grant) => !denyBefore.some((other) => covers(other, grant)))
      .map((grant) => `remove the Deny of ${describeGrant(grant)}`),
  ];
  if (opened.length && closed.length)
    return {
      direction: 'mixed',
      explanation: `the change granted ${opened[0]}${more(opened.length)} and took away ${closed[0]}${more(closed.length)}; reverting would restore what was taken away`,
    };
  if (opened.length)
    return {
      direction: 'widening',
      explanation: `the change granted ${opened[0]}${more(opened.length)}; reverting would take it away`,
    };
  if (closed.length)
    return {
      direction: 'narrowing',
      explanation: `reverting would grant again ${closed[0]}${more(closed.length)}`,
    };
  return { direction: 'neutral', explanation: 'the change does not alter what is granted' };
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The documents and attachments a resource's compared view carries. */
function sideOf(type: string, value: unknown): IamSide {
  const view = record(value);
  if (!view) return { documents: [], attachments: [] };
  const documents: IamSide['documents'] = [];
  if (type === 'aws_iam_role')
    documents.push({ where: 'assume_role_policy', text: view.assume_role_policy });
  if ('policy' in view)
    documents.push({ where: `policy ${String(view.name ?? '')}`.trim(), text: view.policy });
  for (const inline of Array.isArray(view.inline_policy) ? view.inline_policy : []) {
    const block = record(inline);
    if (block) documents.push({ where: `inline policy ${String(block.name)}`, text: block.policy });
  }
  const attachments = [
    ...(Array.isArray(view.managed_policy_arns) ? view.managed_policy_arns.map(String) : []),
    ...(typeof view.policy_arn === 'string' ? [view.policy_arn] : []),
  ];
  return { documents, attachments };
}

export const IAM_ASSESSED_TYPES = [
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy',
  'aws_iam_user_policy',
  'aws_iam_user_policy_attachment',
];

/** Assess one IAM resource's change from its compared views (live null: deleted). */
export function assessIamChange(
  type: string,
  recorded: unknown,
  live: unknown,
): SecurityAssessment {
  return compareIamGrants(sideOf(type, recorded), sideOf(type, live));
}
