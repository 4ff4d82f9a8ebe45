/**
 * IAM policy documents as the AWS provider compares them (its `PolicyDocumentEquivalent`,
 * from awspolicyequivalence): two documents that grant the same thing are equal however
 * they are written. Each normaliser below removes one false positive:
 *
 * - `decodePolicyText`: IAM returns documents URL-encoded (`%7B%22Version…`); state holds
 *   the plain JSON.
 * - `asList`: `"Action": "s3:GetObject"` and `"Action": ["s3:GetObject"]` are the same.
 * - list and statement order: IAM evaluates a statement's lists and a document's
 *   statements as sets; both are sorted.
 * - action case: IAM matches actions case-insensitively (`s3:getobject`).
 * - `normalisePrincipal`: `"*"` is `{"AWS": "*"}`; an account id is its root ARN.
 * - an empty `Sid` is no `Sid`.
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
}

export interface NormalPolicy {
  Version: string | null;
  Id: string | null;
  Statement: NormalStatement[];
}

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
    .map(String)
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
  return out;
}

/** The document in the provider's equivalence form, or null when it is not JSON. */
export function normalisePolicy(text: unknown): NormalPolicy | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodePolicyText(text));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const document = parsed as PolicyDocument;
  const statements = Array.isArray(document.Statement)
    ? document.Statement
    : document.Statement === undefined
      ? []
      : [document.Statement];
  const normal = statements.map(normaliseStatement);
  return {
    Version: typeof document.Version === 'string' ? document.Version : null,
    Id: typeof document.Id === 'string' ? document.Id : null,
    Statement: normal
      .map((statement) => ({ statement, key: canonicalJson(statement) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ statement }) => statement),
  };
}

/** Do two documents grant the same thing (the provider would show no change)? */
export function policiesEquivalent(a: unknown, b: unknown): boolean {
  const left = normalisePolicy(a);
  const right = normalisePolicy(b);
  if (!left || !right) return a === b;
  return canonicalJson(left) === canonicalJson(right);
}

/**
 * The live document as the compared value: the recorded text when the two are equivalent
 * (no drift), otherwise the live document as plain JSON (decoded from IAM's URL encoding).
 */
export function livePolicyValue(recorded: unknown, live: string | undefined): string | null {
  if (live === undefined) return null;
  if (policiesEquivalent(recorded, live)) return typeof recorded === 'string' ? recorded : null;
  const decoded = decodePolicyText(live);
  try {
    return JSON.stringify(JSON.parse(decoded));
  } catch {
    return decoded;
  }
}
