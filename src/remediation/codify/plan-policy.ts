/**
 * Codify of policy documents (IAM `policy` / `assume_role_policy`, S3 bucket `policy`):
 * the code's document is rewritten to say what live says, in the form the author chose —
 * a `jsonencode({...})` literal as HCL object syntax, a heredoc as pretty JSON under the
 * same marker, a quoted string as compact JSON. Documents are compared as the provider
 * compares them (providers/aws/policy-document.ts), so code that already grants what live
 * grants is left alone. What codify cannot rewrite without losing meaning — a policy built
 * by an `aws_iam_policy_document` data source, read from a file, or holding references —
 * is refused with the place to change. Pure.
 */
import {
  equivalentPolicies,
  isPolicyDocumentAttribute,
  parsePolicyDocument,
  type PolicyDocument,
} from '../../providers/aws/policy-document.js';
import type { Drift } from '../../drift/model.js';
import { literalValueOf, type HclExpression, type HclValue } from '../../terraform/hcl-syntax.js';
import { attributeOf, findResource } from '../../terraform/stack.js';
import { usageCount, type EvaluationContext } from './evaluate.js';
import { renderPolicyObject, renderPolicyHeredoc } from './policy-format.js';
import { renderString, indentAt } from './hcl-format.js';
import {
  fileText,
  refuse,
  whereBlock,
  whereExpression,
  type Step,
  type Where,
} from './plan-common.js';

/** Where the code writes a document, and the document it says (or why it cannot be read). */
type CodeDocument =
  | {
      kind: 'jsonencode' | 'heredoc' | 'quoted';
      /** The expression to replace: jsonencode's argument, or the string. */
      expression: HclExpression;
      file: string;
      document: PolicyDocument;
      /** `local.x` / `var.x` the attribute goes through, if any. */
      traversal?: string;
    }
  | { kind: 'refused'; reason: string; where: Where };

const at = (where: Where) => `${where.file}${where.line ? `:${where.line}` : ''}`;

/** The first part of a document literal that is not a literal (a reference, a call). */
function firstComputed(expression: HclExpression): HclExpression | undefined {
  if (expression.kind === 'literal') return undefined;
  if (expression.kind === 'tuple')
    return expression.items.map(firstComputed).find((found) => found !== undefined);
  if (expression.kind === 'object') {
    for (const item of expression.items) {
      if (item.key === null) return expression;
      const found = firstComputed(item.value);
      if (found) return found;
    }
    return undefined;
  }
  return expression;
}

function refused(reason: string, where: Where): CodeDocument {
  return { kind: 'refused', reason, where };
}

/** Follow `var.x` / `local.x` to the expression that writes the value. */
function follow(
  context: EvaluationContext,
  expression: HclExpression,
  file: string,
  traversal?: string,
  depth = 0,
): { expression: HclExpression; file: string; traversal?: string } {
  if (expression.kind !== 'reference' || depth > 8) return { expression, file, traversal };
  const [root, name, ...rest] = expression.traversal.split('.');
  if (!name || rest.length > 0) return { expression, file, traversal };
  const first = traversal ?? `${root}.${name}`;
  if (root === 'local') {
    const local = context.stack.locals.get(name);
    if (local) return follow(context, local.attribute.value, local.file, first, depth + 1);
  }
  if (root === 'var') {
    const assignment = [...context.tfvars].reverse().find((candidate) => candidate.name === name);
    if (assignment)
      return follow(context, assignment.expression, assignment.file, first, depth + 1);
    const variable = context.stack.variables.get(name);
    const value = variable?.block.attributes.find((attribute) => attribute.name === 'default');
    if (variable && value)
      return follow(context, value.value, variable.block.file, first, depth + 1);
  }
  return { expression, file, traversal };
}

/** Read the document an attribute's expression writes, following locals and variables. */
export function codeDocumentOf(
  context: EvaluationContext,
  attributeExpression: HclExpression,
  attributeFile: string,
): CodeDocument {
  const { expression, file, traversal } = follow(context, attributeExpression, attributeFile);
  const where = whereExpression(file, expression);
  if (expression.kind === 'reference') {
    const dataSource = /^data\.aws_iam_policy_document\.([^.[\]]+)\.(json|minified_json)$/.exec(
      expression.traversal,
    );
    if (dataSource) {
      const declaration = findResource(
        context.stack,
        `data.aws_iam_policy_document.${dataSource[1]}`,
      );
      const source = declaration ? whereBlock(declaration.block) : where;
      return refused(
        `the policy is built by data source aws_iam_policy_document.${dataSource[1]} (${at(source)}): codify does not rewrite the statements of a policy document data source; edit its statement blocks by hand to grant what live grants`,
        source,
      );
    }
    return refused(
      `the policy comes from \`${expression.traversal}\`, a value codify cannot follow to a literal document; change it by hand`,
      where,
    );
  }
  if (expression.kind === 'computed') {
    const call = expression.call;
    if (call && (call.name === 'file' || call.name === 'templatefile')) {
      const path = call.args[0];
      const literal = path ? literalValueOf(path) : undefined;
      // A literal path is quoted; a template (`"${path.module}/p.json"`) is shown as written.
      const named =
        typeof literal === 'string' ? JSON.stringify(literal) : (path?.text ?? '(no path)');
      return refused(
        `the policy is read from the file ${named} by ${call.name}(...) (${at(where)}): codify edits only Terraform code; change that file by hand`,
        where,
      );
    }
    const argument =
      call?.name === 'jsonencode' && call.args.length === 1 ? call.args[0] : undefined;
    if (!argument || argument.kind !== 'object')
      return refused(
        `the policy is computed by \`${expression.text.split('\n')[0]}\`; codify rewrites only jsonencode({...}) literals, heredocs and JSON strings — change it by hand`,
        where,
      );
    const computed = firstComputed(argument);
    if (computed)
      return refused(
        `the jsonencode document refers to \`${computed.text.split('\n')[0]}\` (${file}:${computed.range.line}); rewriting it with live values would lose that reference — edit the statements by hand`,
        whereExpression(file, computed),
      );
    const document = literalValueOf(argument) as PolicyDocument;
    return {
      kind: 'jsonencode',
      expression: argument,
      file,
      document,
      ...(traversal ? { traversal } : {}),
    };
  }
  if (expression.kind === 'literal' && typeof expression.value === 'string') {
    const document = parsePolicyDocument(expression.value);
    if (!document)
      return refused('the policy text in the code is not a JSON object; change it by hand', where);
    return {
      kind: expression.heredoc ? 'heredoc' : 'quoted',
      expression,
      file,
      document,
      ...(traversal ? { traversal } : {}),
    };
  }
  return refused(
    `the policy is written as \`${expression.text}\`, not a document; change it by hand`,
    where,
  );
}

/** The new text of the code's document expression, in the author's form. */
function rewrite(context: EvaluationContext, found: CodeDocument, live: PolicyDocument): string {
  if (found.kind === 'refused') throw new Error('no rewrite of a refused document');
  const text = fileText(context, found.file);
  switch (found.kind) {
    case 'jsonencode':
      return renderPolicyObject(live as HclValue, indentAt(text, found.expression.range.start));
    case 'heredoc':
      return renderPolicyHeredoc(found.expression.text, live);
    case 'quoted':
      return renderString(JSON.stringify(live));
  }
}

/** Make the code's document at `attribute` grant what the live document grants. */
export function planPolicyDocument(
  context: EvaluationContext,
  attributeExpression: HclExpression,
  attributeFile: string,
  live: unknown,
  changePath: string,
): Step {
  const liveDocument = parsePolicyDocument(live);
  const found = codeDocumentOf(context, attributeExpression, attributeFile);
  if (found.kind === 'refused') return refuse(found.reason, found.where, changePath);
  if (!liveDocument)
    return refuse(
      'the live policy is not a JSON document; change it by hand',
      whereExpression(attributeFile, attributeExpression),
      changePath,
    );
  if (equivalentPolicies(JSON.stringify(found.document), JSON.stringify(liveDocument)))
    return { unchanged: changePath };
  if (found.traversal) {
    const uses = usageCount(context, found.traversal);
    if (uses > 1)
      return refuse(
        `${found.traversal} is used in ${uses} places; changing it would change all of them`,
        whereExpression(attributeFile, attributeExpression),
        changePath,
      );
  }
  return {
    edit: {
      file: found.file,
      start: found.expression.range.start,
      end: found.expression.range.end,
      text: rewrite(context, found, liveDocument),
    },
  };
}

/**
 * After the edits: every codified policy document must be equivalent to live, read back
 * from the edited code the way the planner reads it. Returns why not, or undefined.
 */
export function policyDocumentViolation(
  after: EvaluationContext,
  drift: Drift,
): string | undefined {
  const declaration = findResource(after.stack, drift.address);
  if (!declaration) return undefined;
  for (const change of drift.changes) {
    const head = change.path[0];
    if (change.path.length !== 1 || typeof head !== 'string') continue;
    if (!isPolicyDocumentAttribute(drift.type, head)) continue;
    const attribute = attributeOf(declaration.block, head);
    if (!attribute) return `the codified code has no ${head} for ${drift.address}`;
    const found = codeDocumentOf(after, attribute.value, declaration.block.file);
    if (found.kind === 'refused')
      return `the codified ${head} cannot be read back (${found.reason})`;
    if (!equivalentPolicies(JSON.stringify(found.document), change.live))
      return `the codified ${head} of ${drift.address} does not grant what the live document grants`;
  }
  return undefined;
}
