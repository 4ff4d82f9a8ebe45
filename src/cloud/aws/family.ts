/**
 * The shape every live reader shares: a resource family reads all of its resources of a
 * stack with a few paged calls and returns, per state instance, the recorded and live
 * values in the same canonical (provider) shape, ready for the differ.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import type { StateInstance } from '../../terraform/state.js';
import type { TerraformStack } from '../../terraform/stack.js';
import type { AwsSession } from './session.js';

export interface Comparison {
  instance: StateInstance;
  recorded: Record<string, unknown>;
  /** `null` when the object no longer exists. */
  live: Record<string, unknown> | null;
}

export interface FamilyScan {
  comparisons: Comparison[];
}

export interface ResourceFamily {
  name: string;
  types: readonly string[];
  scan(
    session: AwsSession,
    instances: StateInstance[],
    stack: TerraformStack | undefined,
  ): Promise<FamilyScan>;
}

/** Filter values per filter that EC2 accepts. */
export const FILTER_VALUE_LIMIT = 200;
/**
 * Up to this many ids, filtered calls (⌈ids/200⌉ of them) beat listing the account;
 * above it, one unfiltered listing of 1,000 per page costs ⌈total/1000⌉ calls.
 */
export const FILTER_BY_ID_UP_TO = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Read objects by id with the cheapest batched calls: id filters in chunks of 200 for
 * small stacks, else one paged listing. `list(filterIds)` is called once per chunk
 * (or once with `undefined`) and must page through its results itself.
 */
export async function readByIds<T>(
  ids: readonly string[],
  list: (filterIds: string[] | undefined) => Promise<T[]>,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (unique.length > FILTER_BY_ID_UP_TO) return list(undefined);
  const results: T[] = [];
  for (const part of chunk(unique, FILTER_VALUE_LIMIT)) results.push(...(await list(part)));
  return results;
}

export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

/**
 * Live `tags` and `tags_all` as the provider computes them: `tags_all` is every tag on
 * the object; `tags` leaves out the provider's default tags, which are the keys recorded
 * in `tags_all` but not in `tags`.
 */
export function liveTagAttributes(
  live: Record<string, string>,
  recorded: Record<string, unknown>,
): { tags: Record<string, string>; tags_all: Record<string, string> } {
  const recordedTags = (recorded.tags ?? {}) as Record<string, unknown>;
  const recordedAll = (recorded.tags_all ?? {}) as Record<string, unknown>;
  const defaultKeys = new Set(Object.keys(recordedAll).filter((key) => !(key in recordedTags)));
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(live)) if (!defaultKeys.has(key)) tags[key] = value;
  return { tags, tags_all: { ...live } };
}

export function recordedTagAttributes(recorded: Record<string, unknown>): {
  tags: Record<string, unknown>;
  tags_all: Record<string, unknown>;
} {
  return {
    tags: (recorded.tags ?? {}) as Record<string, unknown>,
    tags_all: (recorded.tags_all ?? recorded.tags ?? {}) as Record<string, unknown>,
  };
}

/** Pick the listed attributes of a recorded instance (absent → null). */
export function pick(
  attributes: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, attributes[key] ?? null]));
}

export function idOf(instance: StateInstance): string {
  return String(instance.attributes.id ?? '');
}

/** Every item of every page of an SDK paginator. */
export async function collectPages<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => Item[] | undefined,
): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

/** `{ Filters: [{ Name, Values: ids }] }` for a chunk of ids, `{}` for an unfiltered listing. */
export function idFilter(
  name: string,
  ids: string[] | undefined,
): { Filters?: { Name: string; Values: string[] }[] } {
  return ids ? { Filters: [{ Name: name, Values: ids }] } : {};
}

/**
 * Pair each state instance with its live object by id, and put both in the compared
 * shape; an instance whose object is gone is compared with `null` (deleted).
 */
export async function compareById<Live>(
  instances: readonly StateInstance[],
  live: readonly Live[],
  liveId: (item: Live) => string | undefined,
  views: {
    recorded: (instance: StateInstance) => Record<string, unknown>;
    live: (
      item: Live,
      instance: StateInstance,
    ) => Record<string, unknown> | Promise<Record<string, unknown>>;
  },
): Promise<Comparison[]> {
  const byId = new Map(live.map((item) => [liveId(item), item]));
  const comparisons: Comparison[] = [];
  for (const instance of instances) {
    const item = byId.get(idOf(instance));
    comparisons.push({
      instance,
      recorded: views.recorded(instance),
      live: item === undefined ? null : await views.live(item, instance),
    });
  }
  return comparisons;
}
