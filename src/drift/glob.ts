/**
 * Glob patterns for addresses, attribute paths and role ARNs: `*` matches any run of
 * characters (including `.`, `/` and `[`), `?` one character; everything else is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()|{}[\]]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

export function matchesGlob(value: string, pattern: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** Does a value match any of these globs? Compiled once, for matching many values. */
export function globMatcher(patterns: readonly string[]): (value: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expression = new RegExp(patterns.map((pattern) => globToRegExp(pattern).source).join('|'));
  return (value) => expression.test(value);
}
