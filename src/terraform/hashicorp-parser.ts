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
