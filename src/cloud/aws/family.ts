/**
 * The shape every live reader shares: a resource family reads all of its resources of a
 * stack with a few paged calls and returns, per state instance, the recorded and live
 * values in the same canonical (provider) shape, ready for the differ.
 */
import type { StateInstance } from '../../terraform/state.js';
import type { TerraformStack } from '../../terraform/stack.js';
import type { AwsSession } from './session.js';

// The provider's tag and attribute shapes live in the pure model; re-exported for the readers.
export {
  liveTagAttributes,
  pick,
  recordedTagAttributes,
  tagMap,
} from '../../providers/aws/tags.js';

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

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface Ec2Filter {
  Name: string;
  Values: string[];
}

/** One page of a paged Describe call: its items and whether another page follows. */
export interface LivePage<T> {
  items: T[] | undefined;
  nextToken: string | undefined;
}

export interface QueryScope {
  filter: string;
  valueOf: (id: string) => string | undefined;
}

/**
 * What a family tells the reader about one Describe* call. The reader picks the query
 * shape (id filters, a listing scoped by what state records, or an unfiltered listing)
 * that costs the fewest calls.
 */
export interface LiveQuery<T> {
  /** The ids to find (duplicates and empty ids are ignored). */
  ids: readonly string[];
  /** The filter on the object's own id, e.g. `group-id`. */
  idFilter: string;
  /**
   * A filter that bounds a listing to the stack and each id's value of it in state, e.g.
   * `vpc-id` and a group's recorded `vpc_id`. It must be an attribute the object cannot
   * change without being replaced, so an id missing from its scope's complete listing
   * is gone. Absent: the only listing is the unfiltered one.
   */
  scope?: QueryScope | undefined;
  /** The API's largest page (`MaxResults`). */
  pageSize: number;
  idOf: (item: T) => string | undefined;
  /** The pages of one paged call (the family's SDK paginator with `pageSize`). */
  pages: (filters: Ec2Filter[] | undefined) => AsyncIterable<LivePage<T>>;
  /** Read up to 200 ids some other way than `pages` with the id filter. */
  byIds?: (ids: string[]) => AsyncIterable<LivePage<T>>;
}

export type QueryPlan =
  | { shape: 'ids'; estimate: number }
  | { shape: 'scope'; estimate: number; listings: string[][]; unscoped: string[] }
  | { shape: 'all'; estimate: number };

/** Calls to read `count` objects by id: one call per 200 ids, paged by `pageSize`. */
export function idFilterCalls(count: number, pageSize: number): number {
  return chunk([...Array(count).keys()], FILTER_VALUE_LIMIT).reduce(
    (calls, part) => calls + Math.ceil(part.length / pageSize),
    0,
  );
}

/**
 * The cheapest query shape for these ids, from what state tells: id filters cost exactly
 * ⌈n/200⌉ calls; a scoped listing about one page per `pageSize` objects of the stack's
 * scopes; an unfiltered listing the same plus the rest of the account, unknown (counted
 * as one page more). Ties go to the shape whose cost is known.
 */
export function planQuery(
  ids: readonly string[],
  pageSize: number,
  scopeOf?: (id: string) => string | undefined,
): QueryPlan {
  const unique = [...new Set(ids)].filter(Boolean);
  const byIds: QueryPlan = { shape: 'ids', estimate: idFilterCalls(unique.length, pageSize) };
  let best: QueryPlan = byIds;
  if (scopeOf) {
    const perScope = new Map<string, number>();
    const unscoped: string[] = [];
    for (const id of unique) {
      const value = scopeOf(id);
      if (value) perScope.set(value, (perScope.get(value) ?? 0) + 1);
      else unscoped.push(id);
    }
    const listings = chunk([...perScope.keys()], FILTER_VALUE_LIMIT);
    const estimate =
      listings.reduce(
        (calls, values) =>
          calls +
          Math.max(
            1,
            Math.ceil(values.reduce((sum, value) => sum + perScope.get(value)!, 0) / pageSize),
          ),
        0,
      ) + idFilterCalls(unscoped.length, pageSize);
    if (estimate < best.estimate) best = { shape: 'scope', estimate, listings, unscoped };
  }
  const all = Math.ceil(unique.length / pageSize) + 1;
  if (all < best.estimate) best = { shape: 'all', estimate: all };
  return best;
}

/**
 * Read the objects with these ids in the cheapest shape (see `planQuery`). A listing may
 * find more objects than the stack's (other stacks in the VPC, the rest of the account):
 * it stops one page past its estimate and reads the ids it has not seen yet by id
 * filters, so a crowded account costs at most that page more than id filters would.
 * Returns only the objects asked for; an id absent from the result no longer exists.
 */
export async function readLive<T>(query: LiveQuery<T>): Promise<T[]> {
  const wanted = new Set(query.ids.filter(Boolean));
  if (wanted.size === 0) return [];
  const found = new Map<string, T>();
  const plan = planQuery([...wanted], query.pageSize, query.scope?.valueOf);
  const take = (items: T[] | undefined) => {
    for (const item of items ?? []) {
      const id = query.idOf(item);
      if (id !== undefined && wanted.has(id)) found.set(id, item);
    }
  };
  let toRead: string[] = [];
  if (plan.shape === 'ids') {
    toRead = [...wanted];
  } else {
    let budget = plan.estimate + 1;
    const listings: (Ec2Filter[] | undefined)[] =
      plan.shape === 'all'
        ? [undefined]
        : plan.listings.map((values) => [{ Name: query.scope!.filter, Values: values }]);
    const complete = new Set<string>();
    let finished = false;
    for (const filters of listings) {
      let done = false;
      for await (const page of query.pages(filters)) {
        budget -= 1;
        take(page.items);
        if (!page.nextToken) done = true;
        if (done || budget <= 0) break;
      }
      if (plan.shape === 'all') finished = done;
      else if (done) for (const value of filters![0]!.Values) complete.add(value);
      if (!done) break;
    }
    const covered = (id: string) =>
      plan.shape === 'all' ? finished : complete.has(query.scope!.valueOf(id) ?? '');
    toRead = [...wanted].filter((id) => !found.has(id) && !covered(id));
  }
  for (const part of chunk(toRead, FILTER_VALUE_LIMIT)) {
    const pages = query.byIds
      ? query.byIds(part)
      : query.pages([{ Name: query.idFilter, Values: part }]);
    for await (const page of pages) take(page.items);
  }
  return [...found.values()];
}

/** `{ items, nextToken }` pages from an SDK paginator's raw pages. */
export async function* livePages<Page extends { NextToken?: string | undefined }, T>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => T[] | undefined,
): AsyncIterable<LivePage<T>> {
  for await (const page of pages) yield { items: items(page), nextToken: page.NextToken };
}

export function idOf(instance: StateInstance): string {
  return String(instance.attributes.id ?? '');
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

/** A `LiveQuery` scope from one recorded attribute of each instance (`vpc_id` → `vpc-id`). */
export function recordedScope(
  instances: readonly StateInstance[],
  filter: string,
  attribute: string,
): QueryScope {
  const values = new Map<string, string>();
  for (const instance of instances) {
    const value = instance.attributes[attribute];
    if (typeof value === 'string' && value !== '') values.set(idOf(instance), value);
  }
  return { filter, valueOf: (id) => values.get(id) };
}
