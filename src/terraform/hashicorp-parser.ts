/**
 * HashiCorp's HCL parser (hcl2-parser: HashiCorp's own implementation compiled to
 * JavaScript), the semantic oracle of what tree-sitter reads and of every codify edit.
 */
import { loadHcl2 } from './hcl2-module.js';

/**
 * HashiCorp's parser, contained. It is Go compiled to JavaScript: a construct its JSON
 * conversion cannot represent (an object key `null`, which Terraform reads as the string
 * "null") panics, and deep nesting overflows the stack. A panic is not a verdict on the
 * file; only a returned error is.
 */
export type HashicorpParse =
  | { kind: 'parsed'; value: unknown }
  | { kind: 'rejected' }
  | { kind: 'too-deep' }
  | { kind: 'crashed' };

/** On this thread (it loads the parser on first use); codify uses hashicorp-thread.ts. */
export function parseWithHashicorp(text: string): HashicorpParse {
  return runContained(() => loadHcl2().parseToObject(text) as [unknown, unknown]);
}

/** The verdict of one call of `parseToObject`, whatever it returns or throws. */
export function runContained(parse: () => [unknown, unknown]): HashicorpParse {
  try {
    const [value, error] = parse();
    return error ? { kind: 'rejected' } : { kind: 'parsed', value };
  } catch (error) {
    return error instanceof RangeError ? { kind: 'too-deep' } : { kind: 'crashed' };
  }
}

/**
 * Two texts read in one call: HashiCorp's parser costs a fixed part per call besides its
 * cost per byte, and codify reads an edit's before and after together. Each text becomes
 * the body of a block whose name occurs in neither text, so nothing in them can reach the
 * other's block or make one up. The answer is taken only when it is exactly those two
 * blocks; otherwise (a text rejected, or not ending a line, or anything unexpected) each
 * text is read alone, so every verdict is the one a call of its own gives.
 */
export function parsePairWithHashicorp(
  first: string,
  second: string,
): [HashicorpParse, HashicorpParse] {
  const paired = pairedText(first, second);
  const split = paired && splitPaired(parseWithHashicorp(paired.text), paired.names);
  return split ?? [parseWithHashicorp(first), parseWithHashicorp(second)];
}

/** `parsePairWithHashicorp` with the parser elsewhere (a worker thread: hashicorp-thread.ts). */
export async function parsePairWith(
  parse: (text: string) => Promise<HashicorpParse>,
  first: string,
  second: string,
): Promise<[HashicorpParse, HashicorpParse]> {
  const paired = pairedText(first, second);
  const split = paired && splitPaired(await parse(paired.text), paired.names);
  return split ?? Promise.all([parse(first), parse(second)]);
}

/** The two texts as the bodies of two blocks named after neither, or undefined. */
function pairedText(
  first: string,
  second: string,
): { text: string; names: [string, string] } | undefined {
  const endsLine = (text: string) => text === '' || text.endsWith('\n');
  if (!endsLine(first) || !endsLine(second)) return undefined;
  let suffix = 0;
  while (first.includes(`driftgate_${suffix}`) || second.includes(`driftgate_${suffix}`)) suffix++;
  const [a, b] = [`driftgate_${suffix}_first`, `driftgate_${suffix}_second`];
  return { text: `${a} {\n${first}}\n${b} {\n${second}}\n`, names: [a, b] };
}

/** The two bodies, when the answer is exactly the two blocks `names`; else undefined. */
function splitPaired(
  both: HashicorpParse,
  [a, b]: [string, string],
): [HashicorpParse, HashicorpParse] | undefined {
  if (both.kind !== 'parsed' || !isObject(both.value)) return undefined;
  const bodyOf = (value: Record<string, unknown>, key: string): unknown => {
    const blocks = value[key];
    return Array.isArray(blocks) && blocks.length === 1 && isObject(blocks[0])
      ? blocks[0]
      : undefined;
  };
  const [bodyA, bodyB] = [bodyOf(both.value, a), bodyOf(both.value, b)];
  if (Object.keys(both.value).length !== 2 || bodyA === undefined || bodyB === undefined)
    return undefined;
  return [
    { kind: 'parsed', value: bodyA },
    { kind: 'parsed', value: bodyB },
  ];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
