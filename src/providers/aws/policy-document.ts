/**
 * Policy documents (IAM role, user and managed policies, trust policies, S3 bucket
 * policies) as the AWS provider compares them (its `PolicyDocumentEquivalent`, from
 * awspolicyequivalence): two documents that grant the same thing are equal however they
 * are written. AWS hands a document back re-serialised, so a byte comparison would report
 * drift on every untouched policy. Each normaliser below removes one false positive:
 *
 * - `decodePolicyText`: IAM returns documents URL-encoded (`%7B%22Version…`); state holds
 *   the plain JSON.
 * - `asList`: `"Action": "s3:GetObject"` and `"Action": ["s3:GetObject"]` are the same
 *   (Action, Resource, principal ids, condition values).
 * - list, statement and key order: IAM evaluates a statement's lists and a document's
 *   statements as sets, S3 reorders keys and statements; all are sorted.
 * - action case: IAM matches actions case-insensitively (`s3:getobject`).
 * - `normalisePrincipal`: `"*"` is `{"AWS": "*"}`; an account id is its root ARN.
 * - condition keys are case-insensitive (`aws:SourceIp` is `aws:sourceip`).
 * - an empty `Sid` is no `Sid`.
 *
 * Kept: Effect, Version, Id, every resource and principal text beyond the above, and any
 * other key (compared as written), so an unknown field is never silently dropped.
 *
 * Pure: no I/O, no SDK.
 */
import { canonicalJson } from '../../drift/canonical.js';

export type PolicyDocument = Record<string, unknown>;

export interface NormalStatement {
  Sid?: string;
  Effect: string;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: string[];
  NotPrincipal?: string[];
  Condition?: string[];
  /** Keys the provider does not interpret, as `key=<canonical JSON>`. */
  Other?: string[];
}

export interface NormalPolicy {
  Version: string | null;
  Id: string | null;
  Statement: NormalStatement[];
  Other?: string[];
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);

/** IAM's URL-encoded documents (`%7B…`) back to JSON text; plain JSON is left as it is. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

/** A string or a list of strings as a sorted, de-duplicated list. */
export function asList(value: unknown, lowerCase = false): string[] {
  const items = (
    Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
  )
    .map((item) => (typeof item === 'string' ? item : canonicalJson(item)))
    .map((item) => (lowerCase ? item.toLowerCase() : item));
  return [...new Set(items)].sort();
}

/** `"*"`, `{"AWS": "*"}`, `{"AWS": "123456789012"}` as `AWS:*`, `AWS:arn:aws:iam::123456789012:root`. */
export function normalisePrincipal(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '*' ? ['AWS:*'] : [`AWS:${value}`];
  const entries: string[] = [];
  for (const [kind, ids] of Object.entries(value as Record<string, unknown>)) {
    for (const id of asList(ids)) {
      const canonical = kind === 'AWS' && /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id;
      entries.push(`${kind}:${canonical}`);
    }
  }
  return [...new Set(entries)].sort();
}

function normaliseCondition(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const entries: string[] = [];
  for (const [operator, keys] of Object.entries(value as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object') continue;
    for (const [key, values] of Object.entries(keys as Record<string, unknown>))
      entries.push(`${operator} ${key.toLowerCase()} ${JSON.stringify(asList(values))}`);
  }
  return entries.sort();
}

function otherKeys(object: Record<string, unknown>, known: (key: string) => boolean): string[] {
  return Object.entries(object)
    .filter(([key]) => !known(key))
    .map(([key, value]) => `${key}=${canonicalJson(value)}`)
    .sort();
}

function normaliseStatement(raw: unknown): NormalStatement {
  const statement = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: NormalStatement = { Effect: String(statement.Effect ?? '') };
  if (typeof statement.Sid === 'string' && statement.Sid !== '') out.Sid = statement.Sid;
  if ('Action' in statement) out.Action = asList(statement.Action, true);
  if ('NotAction' in statement) out.NotAction = asList(statement.NotAction, true);
  if ('Resource' in statement) out.Resource = asList(statement.Resource);
  if ('NotResource' in statement) out.NotResource = asList(statement.NotResource);
  if ('Principal' in statement) out.Principal = normalisePrincipal(statement.Principal);
  if ('NotPrincipal' in statement) out.NotPrincipal = normalisePrincipal(statement.NotPrincipal);
  if ('Condition' in statement) out.Condition = normaliseCondition(statement.Condition);
  const other = otherKeys(statement, (key) => STATEMENT_KEYS.has(key));
  if (other.length) out.Other = other;
  return out;
}

/** The document as parsed JSON (URL-decoded), or null when it is not a JSON object. */
export function parsePolicyDocument(text: unknown): PolicyDocument | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(decodePolicyText(text));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as PolicyDocument)
      : null;
  } catch {
    return null;
  }
}

/** A parsed document in the provider's equivalence form. */
export function normaliseDocument(document: PolicyDocument): NormalPolicy {
  const statements = Array.isArray(document.Statement)
    ? document.Statement
    : document.Statement === undefined
      ? []
      : [document.Statement];
  const normal: NormalPolicy = {
    Version: typeof document.Version === 'string' ? document.Version : null,
    Id: typeof document.Id === 'string' ? document.Id : null,
    Statement: statements
      .map(normaliseStatement)
      .map((statement) => ({ statement, key: canonicalJson(statement) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ statement }) => statement),
  };
  const other = otherKeys(document, (key) => ['Version', 'Id', 'Statement'].includes(key));
  if (other.length) normal.Other = other;
  return normal;
}

/** The document text in the provider's equivalence form, or null when it is not JSON. */
export function normalisePolicy(text: unknown): NormalPolicy | null {
  const document = parsePolicyDocument(text);
  return document ? normaliseDocument(document) : null;
}

/** Do two documents grant the same thing (the provider would show no change)? */
export function equivalentPolicies(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const left = normalisePolicy(a);
  const right = normalisePolicy(b);
  if (!left || !right) return false;
  return canonicalJson(left) === canonicalJson(right);
}

/** A principal that is anyone: `"*"`, `{"AWS": "*"}` or a list holding `"*"`. */
export function grantsEveryone(statement: NormalStatement): boolean {
  return statement.Principal?.includes('AWS:*') ?? false;
}

/**
 * The live document as the compared value: the recorded text when the two are equivalent
 * (no drift), otherwise the live document as plain JSON (decoded from IAM's URL encoding).
 */
export function livePolicyValue(recorded: unknown, live: string | undefined): string | null {
  if (live === undefined) return null;
  if (equivalentPolicies(recorded, live)) return typeof recorded === 'string' ? recorded : null;
  const document = parsePolicyDocument(live);
  return document ? JSON.stringify(document) : decodePolicyText(live);
}

/**
 * The attributes that hold a policy document, per resource type: compared with
 * `equivalentPolicies`, and codified as documents (jsonencode, heredoc, quoted JSON).
 */
export const POLICY_DOCUMENT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_s3_bucket_policy: ['policy'],
};

export function isPolicyDocumentAttribute(type: string, attribute: string): boolean {
  return POLICY_DOCUMENT_ATTRIBUTES[type]?.includes(attribute) ?? false;
}
