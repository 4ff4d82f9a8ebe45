/**
 * Codify drifts into a stack's source: plan each drift, apply its edits, and keep them
 * only if the result still parses (tree-sitter and HashiCorp's parser) and its meaning
 * differs from before only where the drift said it should. Works on texts, so the CLI
 * and the GitHub app share it; nothing here writes files.
 */
import hcl2 from 'hcl2-parser';
import type { Drift } from '../../drift/model.js';
import { parseHcl } from '../../terraform/hcl-syntax.js';
import { buildStack, type TerraformStack } from '../../terraform/stack.js';
import { applyEdits } from './apply.js';
import type { EvaluationContext, TfvarsAssignment } from './evaluate.js';
import { planCodify, type CodifyPlan, type CodifyRefusal, type TextEdit } from './planner.js';

export interface SourceFile {
  path: string;
  text: string;
}

export interface CodifyOutcome {
  /** File texts after every accepted drift, by path (only .tf / .tfvars of the stack). */
  before: Map<string, string>;
  after: Map<string, string>;
  codified: CodifyPlan[];
  refused: CodifyRefusal[];
}

export const isTfvarsFile = (path: string) => /(^|\/)terraform\.tfvars$|\.auto\.tfvars$/.test(path);

async function contextOf(dir: string, texts: Map<string, string>): Promise<EvaluationContext> {
  const tf = [...texts]
    .filter(([path]) => path.endsWith('.tf'))
    .map(([path, text]) => ({ path, text }));
  const stack: TerraformStack = await buildStack(dir, tf);
  const tfvars: TfvarsAssignment[] = [];
  const tfvarsTexts = new Map<string, string>();
  // terraform.tfvars first, then *.auto.tfvars in name order: later files win, as in Terraform.
  const tfvarsPaths = [...texts.keys()]
    .filter(isTfvarsFile)
    .sort(
      (a, b) =>
        Number(b.endsWith('terraform.tfvars')) - Number(a.endsWith('terraform.tfvars')) ||
        (a < b ? -1 : 1),
    );
  for (const path of tfvarsPaths) {
    const text = texts.get(path)!;
    tfvarsTexts.set(path, text);
    const file = await parseHcl(path, text);
    for (const attribute of file.attributes)
      tfvars.push({ file: path, name: attribute.name, expression: attribute.value });
  }
  return { stack, tfvars, tfvarsTexts };
}

/** Paths (as key lists) where two JSON values differ. */
function differences(
  a: unknown,
  b: unknown,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [
        ...path,
        Array.isArray(a) ? Number(key) : key,
      ]),
    );
  }
  return [path];
}

/** The top-level block of a file an edit falls in (`variable`, `locals`, `resource`...). */
function enclosingBlockType(context: EvaluationContext, edit: TextEdit): string | undefined {
  if (context.tfvarsTexts.has(edit.file)) return 'tfvars';
  const file = context.stack.files.find((candidate) => candidate.path === edit.file);
  return file?.blocks.find(
    (block) => block.range.start <= edit.start && edit.end <= block.range.end,
  )?.type;
}

/**
 * Check that the edits changed only what the drift codifies: in HashiCorp's parse of each
 * edited file, every difference lies under the drifted resource's changed attributes, a
 * resource the plan added, or a variable default / local / tfvars value the plan edited.
 */
function semanticViolation(
  context: EvaluationContext,
  drift: Drift,
  plan: CodifyPlan,
  before: Map<string, string>,
  after: Map<string, string>,
): string | undefined {
  const [type, name] = drift.address.split('.');
  const heads = new Set(drift.changes.map((change) => String(change.path[0])));
  const added = plan.addedResources.map((address) => address.split('.'));
  const editedKinds = new Set(plan.edits.map((edit) => enclosingBlockType(context, edit)));
  for (const file of new Set(plan.edits.map((edit) => edit.file))) {
    const [old] = hcl2.parseToObject(before.get(file)!);
    const [next, error] = hcl2.parseToObject(after.get(file)!);
    if (error || !next) return `${file} no longer parses with HashiCorp's HCL parser`;
    for (const path of differences(old, next)) {
      const allowed =
        (path[0] === 'resource' &&
          path[1] === type &&
          path[2] === name &&
          heads.has(String(path[4]))) ||
        added.some(
          ([addedType, addedName]) =>
            path[0] === 'resource' && path[1] === addedType && path[2] === addedName,
        ) ||
        (path[0] === 'variable' && editedKinds.has('variable') && path[3] === 'default') ||
        (path[0] === 'locals' && editedKinds.has('locals')) ||
        (editedKinds.has('tfvars') && isTfvarsFile(file));
      if (!allowed) return `the edit would also change ${path.join('.')} in ${file}`;
    }
  }
  return undefined;
}

export async function codifyDrifts(
  dir: string,
  files: SourceFile[],
  drifts: Drift[],
): Promise<CodifyOutcome> {
  const before = new Map(files.map((file) => [file.path, file.text]));
  let current = new Map(before);
  const codified: CodifyPlan[] = [];
  const refused: CodifyRefusal[] = [];
  // Parse everything first: malformed source is an error before any plan is made.
  let context = await contextOf(dir, current);
  for (const drift of drifts) {
    const plan = planCodify(context, drift);
    if (plan.refusals.length > 0) {
      refused.push(...plan.refusals);
      continue;
    }
    if (plan.edits.length === 0) {
      codified.push(plan);
      continue;
    }
    const next = applyEdits(current, plan.edits);
    try {
      for (const path of new Set(plan.edits.map((edit) => edit.file)))
        await parseHcl(path, next.get(path)!);
    } catch (error) {
      refused.push({
        address: drift.address,
        path: '',
        reason: `driftgate's edit did not parse (${(error as Error).message}); nothing was changed`,
      });
      continue;
    }
    const violation = semanticViolation(context, drift, plan, current, next);
    if (violation) {
      refused.push({
        address: drift.address,
        path: '',
        reason: `${violation}; nothing was changed`,
      });
      continue;
    }
    current = next;
    context = await contextOf(dir, current);
    codified.push(plan);
  }
  return { before, after: current, codified, refused };
}
