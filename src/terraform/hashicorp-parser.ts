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
