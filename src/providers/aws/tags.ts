/**
 * Tags as the AWS provider computes them (`tags` vs `tags_all` with default tags), shared
 * by every family.
 */
export function tagMap(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
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
