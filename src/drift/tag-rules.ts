/**
 * The AWS provider's tag rules, applied to drift as the provider applies them when it
 * reads an object: tags whose key starts with `aws:` (set by AWS services: an Auto Scaling
 * group, a CloudFormation stack) are never part of `tags`/`tags_all`, and neither are
 * the keys and key prefixes of the provider block's `ignore_tags`. One place for the live
 * scan, the plan-fed scan and everything downstream of them (revert, codify). Pure.
 */
import { findResource, type TerraformStack } from '../terraform/stack.js';
import { canonicalJson } from './canonical.js';
import { withChanges } from './ignore.js';
import type { AttributeChange, Drift } from './model.js';

/** AWS reserves this prefix; no API call may set or delete such a tag. */
export const AWS_RESERVED_TAG_PREFIX = 'aws:';

export interface ProviderTagRules {
  keys: readonly string[];
  keyPrefixes: readonly string[];
}

export const NO_IGNORED_TAGS: ProviderTagRules = { keys: [], keyPrefixes: [] };

const TAG_ATTRIBUTES = new Set(['tags', 'tags_all']);

export function isTagIgnoredByProvider(key: string, rules: ProviderTagRules): boolean {
  return (
    key.startsWith(AWS_RESERVED_TAG_PREFIX) ||
    rules.keys.includes(key) ||
    rules.keyPrefixes.some((prefix) => key.startsWith(prefix))
  );
}

/**
 * The `ignore_tags` of the provider configuration a resource uses: its `provider = aws.x`,
 * or for a module's resource the configuration the module block passes as `aws` (else
 * the default one). A provider configuration not in the stack's code has no ignore_tags.
 */
export function providerTagRulesFor(
  stack: TerraformStack | undefined,
  address: string,
): ProviderTagRules {
  if (!stack) return NO_IGNORED_TAGS;
  const moduleName = /^module\.([^.[]+)/.exec(address)?.[1];
  const reference = moduleName
    ? (stack.modules.find((module) => module.name === moduleName)?.providers.aws ?? 'aws')
    : (findResource(stack, address)?.provider ?? 'aws');
  const provider = stack.providers.find(
    (candidate) => candidate.name === 'aws' && candidate.reference === reference,
  );
  return provider?.ignoreTags ?? NO_IGNORED_TAGS;
}

/** Why some provider tag rules could not be applied (settings that are not literal). */
export function providerTagRuleWarnings(stack: TerraformStack | undefined): string[] {
  return (stack?.providers ?? [])
    .filter((provider) => provider.name === 'aws')
    .flatMap((provider) =>
      provider.unreadable.map(
        (problem) =>
          `${problem}: driftgate cannot apply it, so tags it would ignore may be reported as drift`,
      ),
    );
}

/** A tag map without the keys the provider ignores (other values pass through). */
function withoutIgnoredTags(value: unknown, rules: ProviderTagRules): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => !isTagIgnoredByProvider(key, rules)),
  );
}

/** An empty tag map and an absent one are the same to the provider. */
function emptyToNull(value: unknown): unknown {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0
    ? null
    : value;
}

function filterChange(
  change: AttributeChange,
  rules: ProviderTagRules,
): AttributeChange | undefined {
  const [head, key] = change.path;
  if (typeof head !== 'string' || !TAG_ATTRIBUTES.has(head)) return change;
  if (typeof key === 'string') return isTagIgnoredByProvider(key, rules) ? undefined : change;
  if (change.path.length !== 1) return change;
  const recorded = withoutIgnoredTags(change.recorded, rules);
  const live = withoutIgnoredTags(change.live, rules);
  if (canonicalJson(emptyToNull(recorded)) === canonicalJson(emptyToNull(live))) return undefined;
  return { ...change, recorded, live };
}

/**
 * The drift as the provider would see it: changes to ignored tags dropped (a whole-map
 * change keeps only the other keys), re-fingerprinted; undefined when nothing is left.
 * Only AWS resources (`aws_*`) follow the AWS provider's rules.
 */
export function applyProviderTagRules(drift: Drift, rules: ProviderTagRules): Drift | undefined {
  if (drift.action === 'delete' || !drift.type.startsWith('aws_')) return drift;
  const changes = drift.changes.flatMap((change) => filterChange(change, rules) ?? []);
  if (changes.length === 0) return undefined;
  const narrowed = changes.some((change, i) => change !== drift.changes[i]);
  return narrowed || changes.length !== drift.changes.length
    ? withChanges(drift, changes, true)
    : drift;
}
