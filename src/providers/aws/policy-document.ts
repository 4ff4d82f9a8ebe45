/**
 * IAM policy documents compared as the AWS provider compares them: semantically, not by
 * text. AWS hands a document back re-serialised (S3 reorders keys and statements, IAM
 * URL-encodes it, a one-element list comes back as a string), so a byte comparison would
 * report drift on every untouched policy. Pure.
 *
 * Normalised: statement order; a single value vs a one-element list (Action, Resource,
 * Principal values, Condition values); `"Principal": "*"` vs `{"AWS": "*"}`; key order;
 * URL-encoding. Kept: Sid, Effect, every value's text (ARNs are not rewritten).
 */
import { canonicalJson } from '../../drift/canonical.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type PolicyStatement = Record<string, Json>;

/** The lists of a statement whose order carries no meaning. */
const LIST_KEYS = ['Action', 'NotAction', 'Resource', 'NotResource'];
const PRINCIPAL_KEYS = ['Principal', 'NotPrincipal'];

function sortedStrings(value: Json | undefined): Json {
  if (value === undefined) return null;
  const values = Array.isArray(value) ? value : [value];
  return [
    ...new Set(values.map((item) => (typeof item === 'string' ? item : canonicalJson(item)))),
  ].sort();
}

/** `"*"` and `{"AWS": "*"}` are the same principal; every principal list is a sorted set. */
function normalisePrincipal(value: Json | undefined): Json {
  if (value === undefined) return null;
  if (value === '*') return { AWS: ['*'] };
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(
      Object.entries(value).map(([kind, ids]) => [kind, sortedStrings(ids)]),
    );
  return value;
}

function normaliseCondition(value: Json | undefined): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value ?? null;
  return Object.fromEntries(
    Object.entries(value).map(([operator, keys]) => [
      operator,
      keys && typeof keys === 'object' && !Array.isArray(keys)
        ? Object.fromEntries(
            Object.entries(keys).map(([key, values]) => [key, sortedStrings(values)]),
          )
        : keys,
    ]),
  );
}

function normaliseStatement(statement: Json): Json {
  if (!statement || typeof statement !== 'object' || Array.isArray(statement)) return statement;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(statement)) {
    if (LIST_KEYS.includes(key)) out[key] = sortedStrings(value);
    else if (PRINCIPAL_KEYS.includes(key)) out[key] = normalisePrincipal(value);
    else if (key === 'Condition') out[key] = normaliseCondition(value);
    else out[key] = value;
  }
  return out;
}

/** The document as parsed JSON, or undefined when it is not a JSON object. */
export function parsePolicyDocument(text: unknown): Record<string, Json> | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  let source = text.trim();
  // IAM returns documents URL-encoded (`%7B%22Version%22…`).
  if (source.startsWith('%7B')) {
    try {
      source = decodeURIComponent(source);
    } catch {
      return undefined;
    }
  }
  try {
    const parsed = JSON.parse(source) as Json;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The normalised statements of a document, each once, in canonical order. */
export function policyStatements(document: Record<string, Json> | undefined): PolicyStatement[] {
  if (!document) return [];
  const raw = document.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const unique = new Map<string, PolicyStatement>();
  for (const statement of statements) {
    const normal = normaliseStatement(statement);
    if (normal && typeof normal === 'object' && !Array.isArray(normal))
      unique.set(canonicalJson(normal), normal);
  }
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** One canonical text per meaning: equal for documents the provider calls equivalent. */
export function canonicalPolicy(text: unknown): string | undefined {
  const document = parsePolicyDocument(text);
  if (!document) return undefined;
  const rest = Object.fromEntries(Object.entries(document).filter(([key]) => key !== 'Statement'));
  return canonicalJson({ ...rest, Statement: policyStatements(document) });
}

/** Do two policy texts say the same thing? Unparseable text compares as text. */
export function equivalentPolicies(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const left = canonicalPolicy(a);
  return left !== undefined && left === canonicalPolicy(b);
}

/** A principal that is anyone: `"*"`, `{"AWS": "*"}` or a list holding `"*"`. */
export function grantsEveryone(statement: PolicyStatement): boolean {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return false;
  return Object.values(principal).some((ids) => Array.isArray(ids) && ids.includes('*'));
}
