/**
 * The AWS provider's model, pure: what terraform-provider-aws means by each resource's
 * attributes, with no I/O and no AWS SDK import (test/providers/aws/boundary.test.ts holds
 * this room to that). The readers (src/cloud/aws), the differ, the security direction,
 * codify and revert all import it from here; src/cloud/aws keeps only reading (SDK
 * calls), sessions and operations.
 *
 * The pattern, one file per resource family (security-group-rules.ts, network-acl.ts,
 * instance.ts, iam.ts, …):
 *
 * - the provider's shape of each type: a `recorded…View(attributes)` from state and a
 *   `live…View(apiObject)` built from a structural type of the API fields it reads (not
 *   the SDK's type), both giving the same keys, so the differ compares like with like;
 * - normalisers, each named for the false positive it kills (`normaliseProtocol`:
 *   `6` vs `tcp`), each with a test of that name in test/providers/aws/;
 * - set-typed attributes and sensitive attributes: exported as `…_SET_ATTRIBUTES` /
 *   `…_SENSITIVE_ATTRIBUTES` records and merged in schema.ts (one line per family);
 * - nested-block kinds (list/set, maxItems, attributes-as-blocks) for codify: blocks.ts;
 * - tags and `tags_all`: tags.ts, shared by every family.
 */
export * from './blocks.js';
export * from './schema.js';
export * from './tags.js';
