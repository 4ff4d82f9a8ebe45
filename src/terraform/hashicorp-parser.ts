/**
 * HashiCorp's HCL parser (hcl2-parser: HashiCorp's own implementation compiled to
 * JavaScript), the semantic oracle of what tree-sitter reads and of every codify edit.
 */
import hcl2 from './hcl2-module.js';

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

export function parseWithHashicorp(text: string): HashicorpParse {
  try {
    const [value, error] = hcl2.parseToObject(text);
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
  const endsLine = (text: string) => text === '' || text.endsWith('\n');
  if (endsLine(first) && endsLine(second)) {
    let suffix = 0;
    while (first.includes(`driftgate_${suffix}`) || second.includes(`driftgate_${suffix}`))
      suffix++;
    const [a, b] = [`driftgate_${suffix}_first`, `driftgate_${suffix}_second`];
    const both = parseWithHashicorp(`${a} {\n${first}}\n${b} {\n${second}}\n`);
    const bodyOf = (value: unknown, key: string): unknown => {
      const blocks = (value as Record<string, unknown>)[key];
      return Array.isArray(blocks) && blocks.length === 1 && isObject(blocks[0])
        ? blocks[0]
        : undefined;
    };
    if (both.kind === 'parsed' && isObject(both.value)) {
      const keys = Object.keys(both.value);
      const [bodyA, bodyB] = [bodyOf(both.value, a), bodyOf(both.value, b)];
      if (keys.length === 2 && bodyA !== undefined && bodyB !== undefined)
        return [
          { kind: 'parsed', value: bodyA },
          { kind: 'parsed', value: bodyB },
        ];
    }
  }
  return [parseWithHashicorp(first), parseWithHashicorp(second)];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
