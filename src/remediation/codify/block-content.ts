/**
 * The content of nested blocks: whether a block in the code describes an element of
 * recorded or live state, and how a new block is written (as fmt writes it). Pure.
 */
import type { BlockSchema } from '../../providers/aws/blocks.js';
import type { HclBlock, HclValue } from '../../terraform/hcl-syntax.js';
import { evaluate, type EvaluationContext } from './evaluate.js';
import { renderKey, renderValue } from './hcl-format.js';
import { equivalent, isEmpty } from './plan-common.js';

const BLOCK_ATTRIBUTE_ORDER = [
  'description',
  'key',
  'value',
  'from_port',
  'to_port',
  'protocol',
  'cidr_blocks',
  'ipv6_cidr_blocks',
  'prefix_list_ids',
  'security_groups',
  'self',
];

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys of an element the code never writes: computed-only arguments and nested blocks. */
function notWritten(schema: BlockSchema | undefined): Set<string> {
  return new Set([...(schema?.computedOnly ?? []), ...Object.keys(schema?.blocks ?? {})]);
}

/** Does a block in code describe this element (every attribute it writes agrees; the rest are defaults)? */
export function blockMatches(
  context: EvaluationContext,
  block: HclBlock,
  element: Record<string, unknown>,
  schema: BlockSchema | undefined,
): boolean {
  const skip = notWritten(schema);
  let compared = 0;
  for (const attribute of block.attributes) {
    const value = evaluate(attribute.value, block.file, context);
    if (value === undefined) continue;
    compared++;
    if (!equivalent(value, element[attribute.name], attribute.name)) return false;
  }
  // Security group, ACL and route rules: every attribute is part of the rule, so one the
  // code leaves out must be at its default. Other blocks (`ebs_block_device`) have
  // arguments the provider computes when the code leaves them out (`iops`, `throughput`).
  if (schema && !schema.attributesAsBlocks) return compared > 0;
  const written = new Set(block.attributes.map((attribute) => attribute.name));
  for (const [name, value] of Object.entries(element)) {
    if (skip.has(name) || written.has(name)) continue;
    if (!isEmpty(value) && !((name === 'from_port' || name === 'to_port') && value === 0))
      return false;
  }
  return compared > 0;
}

/** A nested block as fmt writes it: attributes (aligned) first, then nested blocks. */
export function renderBlock(
  type: string,
  element: Record<string, unknown>,
  indent: string,
  schema: BlockSchema | undefined,
): string {
  const computed = new Set(schema?.computedOnly ?? []);
  const nested = schema?.blocks ?? {};
  const keys = Object.keys(element)
    .filter((key) => !computed.has(key) && !(key in nested))
    // Defaults are left out, as an engineer writes them; `false` only where it is the default.
    .filter((key) => (element[key] === false ? key !== 'self' : !isEmpty(element[key])))
    .sort((a, b) => {
      const rank = (key: string) =>
        BLOCK_ATTRIBUTE_ORDER.includes(key) ? BLOCK_ATTRIBUTE_ORDER.indexOf(key) : 100;
      return rank(a) - rank(b) || (a < b ? -1 : 1);
    });
  const inner = `${indent}  `;
  const width = Math.max(0, ...keys.map((key) => renderKey(key).length));
  const lines = keys.map(
    (key) =>
      `${inner}${renderKey(key).padEnd(width)} = ${renderValue(element[key] as HclValue, inner)}`,
  );
  const blocks = Object.entries(nested).flatMap(([name, inner_]) =>
    (Array.isArray(element[name]) ? (element[name] as unknown[]) : [])
      .filter(isObject)
      .map((child) => renderBlock(name, child, inner, inner_).trimEnd()),
  );
  const body = [lines.join('\n'), ...blocks].filter((part) => part !== '').join('\n\n');
  return `${indent}${type} {\n${body}\n${indent}}\n`;
}
