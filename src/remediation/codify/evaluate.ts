/**
 * Just enough evaluation to know where a value in the code comes from: literals, and
 * `var.x` / `local.x` that lead to literals (tfvars, variable defaults, locals). Anything
 * else is "computed" and codify refuses to guess at it.
 */
import { literalValueOf, type HclExpression, type HclValue } from '../../terraform/hcl-syntax.js';
import type { TerraformStack } from '../../terraform/stack.js';

/** Values assigned in `terraform.tfvars` and `*.auto.tfvars` files of the stack. */
export interface TfvarsAssignment {
  file: string;
  name: string;
  expression: HclExpression;
}

export interface EvaluationContext {
  stack: TerraformStack;
  tfvars: TfvarsAssignment[];
  /** Texts of the .tfvars files, by path. */
  tfvarsTexts: Map<string, string>;
}

export type Origin =
  | { kind: 'literal'; expression: HclExpression; file: string }
  | { kind: 'tfvars'; name: string; assignment: TfvarsAssignment }
  | { kind: 'variable-default'; name: string; expression: HclExpression; file: string }
  | { kind: 'local'; name: string; expression: HclExpression; file: string }
  | { kind: 'computed'; expression: HclExpression; file: string; why: string };

/** Follow an expression to the place its value is written. */
export function originOf(
  expression: HclExpression,
  file: string,
  context: EvaluationContext,
  depth = 0,
): Origin {
  if (depth > 8)
    return { kind: 'computed', expression, file, why: 'the reference chain is too deep to follow' };
  if (expression.kind === 'reference') {
    const [root, name, ...rest] = expression.traversal.split('.');
    if (rest.length === 0 && name && root === 'var') {
      const assignment = [...context.tfvars].reverse().find((candidate) => candidate.name === name);
      if (assignment) return { kind: 'tfvars', name, assignment };
      const variable = context.stack.variables.get(name);
      const defaultAttribute = variable?.block.attributes.find(
        (attribute) => attribute.name === 'default',
      );
      if (variable && defaultAttribute) {
        return {
          kind: 'variable-default',
          name,
          expression: defaultAttribute.value,
          file: variable.block.file,
        };
      }
      return {
        kind: 'computed',
        expression,
        file,
        why: `var.${name} has no default and no value in a .tfvars file of the stack`,
      };
    }
    if (rest.length === 0 && name && root === 'local') {
      const local = context.stack.locals.get(name);
      if (!local)
        return {
          kind: 'computed',
          expression,
          file,
          why: `local.${name} is not defined in this stack`,
        };
      const inner = originOf(local.attribute.value, local.file, context, depth + 1);
      return inner.kind === 'literal'
        ? { kind: 'local', name, expression: local.attribute.value, file: local.file }
        : inner;
    }
    return {
      kind: 'computed',
      expression,
      file,
      why: `${expression.traversal} is another resource's or module's value`,
    };
  }
  if (literalValueOf(expression) !== undefined) return { kind: 'literal', expression, file };
  return { kind: 'computed', expression, file, why: 'it is computed by an expression' };
}

/** The value an expression evaluates to, when it can be known without Terraform. */
export function evaluate(
  expression: HclExpression,
  file: string,
  context: EvaluationContext,
): HclValue | undefined {
  const literal = literalValueOf(expression);
  if (literal !== undefined) return literal;
  if (expression.kind === 'tuple') {
    const items: HclValue[] = [];
    for (const item of expression.items) {
      const value = evaluate(item, file, context);
      if (value === undefined) return undefined;
      items.push(value);
    }
    return items;
  }
  if (expression.kind === 'reference') {
    const origin = originOf(expression, file, context);
    switch (origin.kind) {
      case 'tfvars':
        return literalValueOf(origin.assignment.expression);
      case 'variable-default':
      case 'local':
        return literalValueOf(origin.expression);
      default:
        return undefined;
    }
  }
  return undefined;
}

/** How many times `var.name` / `local.name` is used across the stack's files. */
export function usageCount(context: EvaluationContext, traversal: string): number {
  const pattern = new RegExp(`\\b${traversal.replace('.', '\\.')}\\b(?![\\w-])`, 'g');
  return context.stack.files.reduce(
    (count, file) => count + (file.text.match(pattern)?.length ?? 0),
    0,
  );
}
