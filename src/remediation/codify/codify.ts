/**
 * Codify drifts into a stack's source: plan each drift, apply its edits, and keep them
 * only if the result still parses (tree-sitter and HashiCorp's parser) and its meaning
 * differs from before only where the drift said it should. Works on texts, so the CLI
 * and the GitHub app share it; nothing here writes files.
 */
import type { Drift } from '../../drift/model.js';
import { parseHcl, type HclFile } from '../../terraform/hcl-syntax.js';
import { reparseHcl, type ChangedEnds } from '../../terraform/hcl-incremental.js';
import {
  buildStack,
  displayPath,
  replaceStackFiles,
  type TerraformStack,
} from '../../terraform/stack.js';
import { applyEditsWithEnds } from './apply.js';
import type { EvaluationContext, TfvarsAssignment } from './evaluate.js';
import { planCodify, type CodifyPlan, type CodifyRefusal } from './planner.js';
import { semanticViolation } from './semantic-check.js';

export { semanticViolation } from './semantic-check.js';

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
  /** The stack as the patch leaves it, parsed (what the policy engine reads). */
  context: EvaluationContext;
}

export const isTfvarsFile = (path: string) => /(^|\/)terraform\.tfvars$|\.auto\.tfvars$/.test(path);

/**
 * The parsed stack and .tfvars values of `texts`. With `previous`, only the files whose
 * text changed are read again, and only their changed items (see terraform/hcl-incremental);
 * `changed` tells, by path, where the texts may differ from `previous` (else they are
 * compared); with `stack` (the stack a scan already read), its files are reused when the
 * text matches.
 * `verify` asks HashiCorp's parser about every file read here (tests only: codify checks
 * what it edits in `semanticViolation`).
 */
export async function contextOf(
  dir: string,
  texts: Map<string, string>,
  options: {
    previous?: EvaluationContext;
    changed?: ReadonlyMap<string, ChangedEnds>;
    stack?: TerraformStack;
    verify: boolean;
  },
): Promise<EvaluationContext> {
  const tf = [...texts]
    .filter(([path]) => path.endsWith('.tf'))
    .map(([path, text]) => ({ path, text }));
  const given = options.stack;
  const stack = options.previous
    ? await nextStack(dir, options.previous.stack, tf, options.verify, options.changed)
    : given && !options.verify && sameFiles(given, tf)
      ? given
      : await buildStack(dir, tf, {
          reuse: new Map((options.stack?.files ?? []).map((file) => [file.path, file])),
          verify: options.verify,
        });
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
    if (options.previous?.tfvarsTexts.get(path) === text) {
      tfvars.push(...options.previous.tfvars.filter((assignment) => assignment.file === path));
      continue;
    }
    const file = await parseHcl(path, text, { verify: options.verify });
    for (const attribute of file.attributes)
      tfvars.push({ file: path, name: attribute.name, expression: attribute.value });
  }
  return { stack, tfvars, tfvarsTexts };
}

/** Does `stack` hold exactly these files (paths, order and text)? */
function sameFiles(stack: TerraformStack, tf: SourceFile[]): boolean {
  return (
    tf.length === stack.files.length &&
    tf.every((source, index) => {
      const file = stack.files[index]!;
      return displayPath(source.path) === file.path && source.text === file.text;
    })
  );
}

/** `previous` after its files became `tf`: changed files re-read where they changed. */
async function nextStack(
  dir: string,
  previous: TerraformStack,
  tf: SourceFile[],
  verify: boolean,
  changed: ReadonlyMap<string, ChangedEnds> | undefined,
): Promise<TerraformStack> {
  const samePaths =
    tf.length === previous.files.length &&
    tf.every((source, index) => displayPath(source.path) === previous.files[index]!.path);
  if (!samePaths || verify) {
    const reuse = new Map(previous.files.map((file) => [file.path, file]));
    return buildStack(dir, tf, { reuse, verify });
  }
  const reread: HclFile[] = [];
  for (const [index, source] of tf.entries()) {
    const file = previous.files[index]!;
    if (file.text !== source.text)
      reread.push(await reparseHcl(file, source.text, changed?.get(source.path)));
  }
  return reread.length ? replaceStackFiles(previous, reread) : previous;
}

export async function codifyDrifts(
  dir: string,
  files: SourceFile[],
  drifts: Drift[],
  options: {
    /** The stack as the scan read it: its files are not parsed again. */
    stack?: TerraformStack | undefined;
  } = {},
): Promise<CodifyOutcome> {
  // Keyed as the parsed stack names its files, so an absolute stack path works too.
  const before = new Map(files.map((file) => [displayPath(file.path), file.text]));
  let current = new Map(before);
  const codified: CodifyPlan[] = [];
  const refused: CodifyRefusal[] = [];
  // Parse everything first (tree-sitter): malformed source is an error before any plan is
  // made. HashiCorp's parser reads what the edits touch, before and after (semanticViolation).
  let context = await contextOf(dir, current, { stack: options.stack, verify: false });
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
    const { texts: next, changed } = applyEditsWithEnds(current, plan.edits);
    let nextContext: EvaluationContext;
    try {
      nextContext = await contextOf(dir, next, { previous: context, changed, verify: false });
    } catch (error) {
      refused.push({
        address: drift.address,
        path: '',
        reason: `driftgate's edit did not parse (${(error as Error).message}); nothing was changed`,
      });
      continue;
    }
    const violation = semanticViolation(context, nextContext, drift, plan);
    if (violation) {
      refused.push({
        address: drift.address,
        path: '',
        reason: `${violation}; nothing was changed`,
      });
      continue;
    }
    current = next;
    context = nextContext;
    codified.push(plan);
  }
  return { before, after: current, codified, refused, context };
}
