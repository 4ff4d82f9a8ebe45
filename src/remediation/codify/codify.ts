/**
 * Codify drifts into a stack's source: plan each drift, apply its edits, and keep them
 * only if the result still parses (tree-sitter and HashiCorp's parser) and its meaning
 * differs from before only where the drift said it should. Works on texts, so the CLI
 * and the GitHub app share it; nothing here writes files.
 */
import hcl2 from 'hcl2-parser';
import type { Drift } from '../../drift/model.js';
import { parseHcl, type HclBlock, type HclFile } from '../../terraform/hcl-syntax.js';
import { DriftgateError } from '../../errors.js';
import { reparseHcl } from '../../terraform/hcl-incremental.js';
import {
  buildStack,
  displayPath,
  replaceStackFiles,
  type TerraformStack,
} from '../../terraform/stack.js';
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

/**
 * The parsed stack and .tfvars values of `texts`. With `previous`, only the files whose
 * text changed are read again, and only their changed items (see terraform/hcl-incremental);
 * with `stack` (the stack a scan already read), its files are reused when the text matches.
 * `verify` asks HashiCorp's parser about every file read here (tests only: codify checks
 * what it edits in `semanticViolation`).
 */
export async function contextOf(
  dir: string,
  texts: Map<string, string>,
  options: { previous?: EvaluationContext; stack?: TerraformStack; verify: boolean },
): Promise<EvaluationContext> {
  const tf = [...texts]
    .filter(([path]) => path.endsWith('.tf'))
    .map(([path, text]) => ({ path, text }));
  const stack = options.previous
    ? await nextStack(dir, options.previous.stack, tf, options.verify)
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

/** `previous` after its files became `tf`: changed files re-read where they changed. */
async function nextStack(
  dir: string,
  previous: TerraformStack,
  tf: SourceFile[],
  verify: boolean,
): Promise<TerraformStack> {
  const samePaths =
    tf.length === previous.files.length &&
    tf.every((source, index) => displayPath(source.path) === previous.files[index]!.path);
  if (!samePaths || verify) {
    const reuse = new Map(previous.files.map((file) => [file.path, file]));
    return buildStack(dir, tf, { reuse, verify });
  }
  const changed: HclFile[] = [];
  for (const [index, source] of tf.entries()) {
    const file = previous.files[index]!;
    if (file.text !== source.text) changed.push(await reparseHcl(file, source.text));
  }
  return changed.length ? replaceStackFiles(previous, changed) : previous;
}

/** Paths (as key lists) where two JSON values differ. */
function differences(
  a: unknown,
  b: unknown,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  // A block or key that exists on one side only: descend, so the difference names its path.
  if ((a === undefined || a === null) && b && typeof b === 'object')
    return differences(Array.isArray(b) ? [] : {}, b, path);
  if ((b === undefined || b === null) && a && typeof a === 'object')
    return differences(a, Array.isArray(a) ? [] : {}, path);
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

const blockIdentity = (block: HclBlock) => JSON.stringify([block.type, ...block.labels]);

/** The top-level blocks of `file` that contain an edit. */
function editedBlocks(file: HclFile, edits: TextEdit[]): HclBlock[] {
  return file.blocks.filter((block) =>
    edits.some((edit) => block.range.start <= edit.start && edit.end <= block.range.end),
  );
}

function parsedByHashicorp(text: string): unknown {
  const [value, error] = hcl2.parseToObject(text);
  return error || value === null ? undefined : value;
}

/**
 * Check that the edits changed only what the drift codifies. Text outside the edited
 * spans is byte-identical, so only the top-level blocks an edit touched (and blocks the
 * plan added) can mean something new: HashiCorp's parser reads those blocks before and
 * after, and every difference must lie under the drifted resource's changed attributes,
 * a resource the plan added, or a variable default / local / tfvars value the plan edited.
 */
export function semanticViolation(
  before: EvaluationContext,
  after: EvaluationContext,
  drift: Drift,
  plan: CodifyPlan,
): string | undefined {
  const [type, name] = drift.address.split('.');
  const heads = new Set(drift.changes.map((change) => String(change.path[0])));
  const added = new Set(
    plan.addedResources.map((address) => JSON.stringify(['resource', ...address.split('.')])),
  );
  for (const path of new Set(plan.edits.map((edit) => edit.file))) {
    const edits = plan.edits.filter((edit) => edit.file === path);
    let oldText: string;
    let newText: string;
    let editedKinds: Set<string>;
    if (before.tfvarsTexts.has(path)) {
      oldText = before.tfvarsTexts.get(path)!;
      newText = after.tfvarsTexts.get(path)!;
      editedKinds = new Set(['tfvars']);
    } else {
      const oldFile = before.stack.files.find((file) => file.path === path)!;
      const newFile = after.stack.files.find((file) => file.path === path)!;
      const touched = editedBlocks(oldFile, edits);
      const identities = new Set([...touched.map(blockIdentity), ...added]);
      oldText = touched
        .map((block) => oldFile.text.slice(block.range.start, block.range.end))
        .join('\n');
      newText = newFile.blocks
        .filter((block) => identities.has(blockIdentity(block)))
        .map((block) => newFile.text.slice(block.range.start, block.range.end))
        .join('\n');
      editedKinds = new Set(touched.map((block) => block.type));
    }
    const old = parsedByHashicorp(oldText);
    // The stack is not checked with HashiCorp's parser when it is read (too slow for
    // every byte), so this is where a block it rejects is found: the same error as if it
    // had been.
    if (old === undefined)
      throw new DriftgateError("HashiCorp's HCL parser rejects this file", { file: path });
    const next = parsedByHashicorp(newText);
    if (next === undefined) return `${path} no longer parses with HashiCorp's HCL parser`;
    for (const difference of differences(old, next)) {
      const allowed =
        (difference[0] === 'resource' &&
          difference[1] === type &&
          difference[2] === name &&
          heads.has(String(difference[4]))) ||
        added.has(JSON.stringify(difference.slice(0, 3))) ||
        (difference[0] === 'variable' &&
          editedKinds.has('variable') &&
          difference[3] === 'default') ||
        (difference[0] === 'locals' && editedKinds.has('locals')) ||
        editedKinds.has('tfvars');
      if (!allowed) return `the edit would also change ${difference.join('.')} in ${path}`;
    }
  }
  return undefined;
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
    const next = applyEdits(current, plan.edits);
    let nextContext: EvaluationContext;
    try {
      nextContext = await contextOf(dir, next, { previous: context, verify: false });
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
  return { before, after: current, codified, refused };
}
