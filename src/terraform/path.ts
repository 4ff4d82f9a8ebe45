/**
 * Attribute paths in Terraform's traversal syntax: `tags.Env`, `ingress[0].cidr_blocks`,
 * `tags["kubernetes.io/role"]`. Internally a path is a list of segments so nothing has
 * to re-parse strings; `formatPath` / `parsePath` convert at the edges.
 */
export type PathSegment = string | number;
export type AttributePath = PathSegment[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parse `a.b[0]["c.d"]`. Returns undefined for text that is not a static traversal
 * (e.g. contains a splat or a variable index).
 */
export function parsePath(text: string): AttributePath | undefined {
  const path: AttributePath = [];
  let rest = text.trim();
  let first = true;
  while (rest.length > 0) {
    let match: RegExpMatchArray | null;
    if (
      (match = rest.match(first ? /^([A-Za-z_][A-Za-z0-9_-]*)/ : /^\.([A-Za-z_][A-Za-z0-9_-]*)/))
    ) {
      path.push(match[1]!);
    } else if ((match = rest.match(/^\[(\d+)\]/))) {
      path.push(Number(match[1]));
    } else if ((match = rest.match(/^\[("(?:[^"\\]|\\.)*")\]/))) {
      path.push(JSON.parse(match[1]!) as string);
    } else {
      return undefined;
    }
    rest = rest.slice(match[0].length);
    first = false;
  }
  return path;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function pathStartsWith(
  path: readonly PathSegment[],
  prefix: readonly PathSegment[],
): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, i) => segment === path[i]);
}
