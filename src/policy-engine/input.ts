/**
 * What the policy engine reads: the resources a codify patch leaves, as the code says
 * them. Each resource block becomes JSON the way Terraform would see its arguments —
 * nested blocks as lists of objects, `var.x` / `local.x` followed to their literal value
 * (codify's own evaluator), `jsonencode({...})` of a literal as its JSON text — and every
 * value driftgate cannot know without Terraform is left out rather than guessed. Paths in
 * the engine's findings are resolved back to the source range they came from here.
 */
import { evaluate, type EvaluationContext } from '../remediation/codify/evaluate.js';
import {
  literalValueOf,
  parseHcl,
  type HclBlock,
  type HclExpression,
  type HclValue,
  type SourceRange,
} from '../terraform/hcl-syntax.js';
import { findResource } from '../terraform/stack.js';

export interface PolicyResource {
  address: string;
  type: string;
  name: string;
  /** The file the resource is declared in (display path). */
  file: string;
  values: { [key: string]: HclValue };
}

export interface PolicyInput {
  resources: PolicyResource[];
}

/** `jsonencode(<literal>)`: the inner expression, read as HCL, as JSON text. */
async function jsonencoded(expression: HclExpression): Promise<string | undefined> {
  const match = /^jsonencode\s*\(([\s\S]*)\)\s*$/.exec(expression.text);
  if (!match) return undefined;
  try {
    const file = await parseHcl('jsonencode', `value = ${match[1]!}\n`);
    const value = file.attributes[0] ? literalValueOf(file.attributes[0].value) : undefined;
    return value === undefined ? undefined : JSON.stringify(value);
  } catch {
    return undefined; // not a literal argument: Terraform must evaluate it
  }
}

async function valueOf(
  expression: HclExpression,
  file: string,
  context: EvaluationContext,
): Promise<HclValue | undefined> {
  return evaluate(expression, file, context) ?? (await jsonencoded(expression));
}

async function blockValues(
  block: HclBlock,
  context: EvaluationContext,
): Promise<{ [key: string]: HclValue }> {
  const values: { [key: string]: HclValue } = {};
  for (const attribute of block.attributes) {
    const value = await valueOf(attribute.value, block.file, context);
    if (value !== undefined) values[attribute.name] = value;
  }
  for (const inner of block.blocks) {
    // Meta-arguments are Terraform's, not the provider's.
    if (inner.type === 'lifecycle' || inner.type === 'provisioner' || inner.type === 'connection')
      continue;
    const list = (values[inner.type] ??= []);
    if (Array.isArray(list)) list.push(await blockValues(inner, context));
  }
  return values;
}

/** The engine's input: the resources at `addresses` in the code after the patch. */
export async function policyInputOf(
  context: EvaluationContext,
  addresses: Iterable<string>,
): Promise<PolicyInput> {
  const resources: PolicyResource[] = [];
  for (const address of new Set(addresses)) {
    const declared = findResource(context.stack, address);
    if (!declared || declared.mode !== 'managed') continue;
    resources.push({
      address: declared.address,
      type: declared.type,
      name: declared.name,
      file: declared.block.file,
      values: await blockValues(declared.block, context),
    });
  }
  return { resources };
}

/**
 * The source range a finding's path points at, inside the resource's block: the deepest
 * attribute, nested block or list item the path reaches (a list index into an attribute's
 * tuple, a nested block by its position among blocks of its type).
 */
export function rangeOfPath(block: HclBlock, path: (string | number)[]): SourceRange {
  let body: HclBlock = block;
  let range = block.range;
  for (let index = 0; index < path.length; index++) {
    const step = path[index];
    if (typeof step !== 'string') break;
    const attribute = body.attributes.find((candidate) => candidate.name === step);
    if (attribute) {
      range = attribute.range;
      let expression = attribute.value;
      for (const item of path.slice(index + 1)) {
        if (typeof item !== 'number' || expression.kind !== 'tuple') break;
        const next = expression.items[item];
        if (!next) break;
        expression = next;
        range = next.range;
      }
      return range;
    }
    const position = path[index + 1];
    const nested = body.blocks.filter((candidate) => candidate.type === step);
    const chosen = typeof position === 'number' ? nested[position] : nested[0];
    if (!chosen) return range;
    body = chosen;
    range = chosen.range;
    if (typeof position === 'number') index++;
  }
  return range;
}
