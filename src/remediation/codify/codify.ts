/**
 * Codify drifts into a stack's source: plan each drift, apply its edits, and keep them
 * only if the result still parses (tree-sitter and HashiCorp's parser) and its meaning
 * differs from before only where the drift said it should. Works on texts, so the CLI
 * and the GitHub app share it; nothing here writes files.
 */
import type { Drift } from '../../drift/model.js';
import {
  parsePairWith,
  parseWithHashicorp,
  type HashicorpParse,
} from '../../terraform/hashicorp-parser.js';
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
import { editReadings, judgeEdit } from './semantic-check.js';

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

/** HashiCorp's parser as codify calls it: on a worker thread (terraform/hashicorp-thread.ts) or not. */
export interface HashicorpReader {
  parse(text: string): Promise<HashicorpParse>;
}

const onThisThread: HashicorpReader = { parse: async (text) => parseWithHashicorp(text) };

/** The texts and their parsed stack after the drifts accepted so far. */
interface CodifyState {
  texts: Map<string, string>;
  context: EvaluationContext;
}

type Verdict = { violation: string | undefined } | { error: unknown };

/** One drift planned on a state: refused or unchanged at once, or edited, its check under way. */
type Step =
  | { kind: 'refused'; refusals: CodifyRefusal[] }
  | { kind: 'unchanged'; plan: CodifyPlan }
  | {
      kind: 'edited';
      drift: Drift;
      plan: CodifyPlan;
      next: CodifyState;
      verdict: Promise<Verdict>;
    };

async function stepOf(
  dir: string,
  state: CodifyState,
  drift: Drift,
  hashicorp: HashicorpReader,
): Promise<Step> {
  const plan = planCodify(state.context, drift);
  if (plan.refusals.length > 0) return { kind: 'refused', refusals: plan.refusals };
  if (plan.edits.length === 0) return { kind: 'unchanged', plan };
  const { texts, changed } = applyEditsWithEnds(state.texts, plan.edits);
  let context: EvaluationContext;
  try {
    context = await contextOf(dir, texts, { previous: state.context, changed, verify: false });
  } catch (error) {
    const reason = `driftgate's edit did not parse (${(error as Error).message}); nothing was changed`;
    return { kind: 'refused', refusals: [{ address: drift.address, path: '', reason }] };
  }
  // HashiCorp's parser reads what the edits touched, before and after (semantic-check.ts).
  const readings = editReadings(state.context, context, plan);
  const verdict = Promise.all(
    // One call for both texts (the verdicts are those of two calls; see the parser).
    readings.map((reading) => parsePairWith(hashicorp.parse, reading.oldText, reading.newText)),
  )
    .then((pairs): Verdict => ({ violation: judgeEdit(readings, pairs, context, drift, plan) }))
    .catch((error: unknown): Verdict => ({ error }));
  return { kind: 'edited', drift, plan, next: { texts, context }, verdict };
}

export async function codifyDrifts(
  dir: string,
  files: SourceFile[],
  drifts: Drift[],
  options: {
    /** The stack as the scan read it: its files are not parsed again. */
    stack?: TerraformStack | undefined;
    /** HashiCorp's parser on a worker thread: its checks then overlap the next edits. */
    hashicorp?: HashicorpReader | undefined;
  } = {},
): Promise<CodifyOutcome> {
  const hashicorp = options.hashicorp ?? onThisThread;
  // Keyed as the parsed stack names its files, so an absolute stack path works too.
  const before = new Map(files.map((file) => [displayPath(file.path), file.text]));
  const codified: CodifyPlan[] = [];
  const refused: CodifyRefusal[] = [];
  // Parse everything first (tree-sitter): malformed source is an error before any plan is
  // made.
  let state: CodifyState = {
    texts: new Map(before),
    context: await contextOf(dir, before, { stack: options.stack, verify: false }),
  };
  // Each drift is planned on the texts the drifts before it leave, as if their edits pass
  // HashiCorp's check, which runs meanwhile; the verdicts are then taken in drift order. A
  // failed check discards the steps after it, which are taken again from the state before
  // it, one at a time from then on: the outcome is that of checking every edit before
  // planning the next, and the checks no longer wait for each other.
  let pending = drifts;
  let oneAtATime = false;
  while (pending.length > 0) {
    const steps: Step[] = [];
    let ahead = state;
    for (const drift of pending) {
      const step = await stepOf(dir, ahead, drift, hashicorp);
      steps.push(step);
      if (step.kind !== 'edited') continue;
      ahead = step.next;
      if (oneAtATime) break;
    }
    let taken = 0;
    for (const step of steps) {
      taken++;
      if (step.kind === 'refused') refused.push(...step.refusals);
      else if (step.kind === 'unchanged') codified.push(step.plan);
      else {
        const verdict = await step.verdict;
        if ('error' in verdict) throw verdict.error;
        if (verdict.violation) {
          const reason = `${verdict.violation}; nothing was changed`;
          refused.push({ address: step.drift.address, path: '', reason });
          oneAtATime = true;
          break;
        }
        state = step.next;
        codified.push(step.plan);
      }
    }
    pending = pending.slice(taken);
  }
  return { before, after: state.texts, codified, refused, context: state.context };
}
