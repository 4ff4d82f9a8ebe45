/**
 * What drift a team has chosen not to see: `lifecycle { ignore_changes }` in the code,
 * and `ignore` rules in `.github/driftgate.yml` (with an owner's reason and an optional
 * expiry). Both are applied to changes; a drift left with no changes disappears.
 */
import { formatPath, pathStartsWith, type AttributePath } from '../terraform/path.js';
import { driftFingerprint } from './fingerprint.js';
import { globMatcher, matchesGlob } from './glob.js';
import type { Drift } from './model.js';

export interface IgnoreRule {
  address: string;
  /** Attribute path globs (`tags.LastScanned`, `tags.*`); absent = the whole resource. */
  attributes?: string[] | undefined;
  /** ISO date; the rule stops applying after this day. */
  until?: string | undefined;
  reason?: string | undefined;
}

export interface IgnoreOutcome {
  drifts: Drift[];
  /** Rules whose `until` has passed: reported so someone renews or deletes them. */
  expiredRules: IgnoreRule[];
}

export function isRuleActive(rule: IgnoreRule, now: Date): boolean {
  if (!rule.until) return true;
  // `until: 2026-12-31` covers that whole day (UTC).
  const end = new Date(`${rule.until.slice(0, 10)}T23:59:59.999Z`);
  return now.getTime() <= end.getTime();
}

export function applyIgnoreRules(
  drifts: readonly Drift[],
  rules: readonly IgnoreRule[],
  now: Date,
): IgnoreOutcome {
  // Each rule's address glob compiled once, not once per drift.
  const active = rules
    .filter((rule) => isRuleActive(rule, now))
    .map((rule) => ({ rule, matches: globMatcher([rule.address]) }));
  const expiredRules = rules.filter((rule) => !isRuleActive(rule, now));
  const kept: Drift[] = [];
  for (const drift of drifts) {
    const matching = active.filter(({ matches }) => matches(drift.address)).map(({ rule }) => rule);
    if (matching.some((rule) => !rule.attributes || rule.attributes.length === 0)) continue;
    if (drift.action === 'delete') {
      kept.push(drift);
      continue;
    }
    const patterns = matching.flatMap((rule) => rule.attributes ?? []);
    const changes = drift.changes.filter((change) => {
      const path = formatPath(change.path);
      return !patterns.some(
        (pattern) =>
          matchesGlob(path, pattern) ||
          path.startsWith(`${pattern}.`) ||
          path.startsWith(`${pattern}[`),
      );
    });
    if (changes.length > 0) kept.push(withChanges(drift, changes));
  }
  return { drifts: kept, expiredRules };
}

/**
 * Terraform's `ignore_changes`: an update drift loses the changes under the listed
 * paths (`all` drops every change). Deletions are never ignored: the object is gone.
 * `tags_all` is computed from `tags` and the provider's `default_tags`, so ignoring
 * `tags` (or `tags.Key`) hides the same keys' drift in `tags_all`, as it does in a plan.
 */
export function applyIgnoreChanges(
  drift: Drift,
  ignore: AttributePath[] | 'all',
): Drift | undefined {
  if (drift.action === 'delete') return drift;
  if (ignore === 'all') return undefined;
  const paths = ignore.flatMap((path) =>
    path[0] === 'tags' ? [path, ['tags_all', ...path.slice(1)]] : [path],
  );
  const changes = drift.changes.filter(
    (change) => !paths.some((path) => pathStartsWith(change.path, path)),
  );
  return changes.length > 0 ? withChanges(drift, changes) : undefined;
}

/**
 * The drift with fewer (or narrowed) changes, and the fingerprint of what remains.
 * `narrowed`: some change's values were edited, so even the same count is a new drift.
 */
export function withChanges(drift: Drift, changes: Drift['changes'], narrowed = false): Drift {
  if (!narrowed && changes.length === drift.changes.length) return drift;
  // The exposure assessment covered every change; once rule changes are ignored it no longer applies.
  const touchesRules = changes.some(
    (change) => change.path[0] === 'ingress' || change.path[0] === 'egress',
  );
  const security =
    drift.security && drift.type.endsWith('security_group') && !touchesRules
      ? null
      : drift.security;
  return { ...drift, changes, security, fingerprint: driftFingerprint({ ...drift, changes }) };
}
