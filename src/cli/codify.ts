/**
 * `driftgate codify [DIR]`: write the live values of drifted resources into the stack's
 * `.tf` / `.tfvars` files. `--diff` (the default) prints a unified diff and changes
 * nothing; `--write` applies it. The patch is judged by the policy engine (findings on
 * stderr). Exit 0 when every drift was codified cleanly, 3 when some were refused (each
 * listed with where a human must act), 4 when all were codified but the policy engine has
 * findings on the patch, 1 on error.
 */
import { writeFile } from 'node:fs/promises';
import { codifyDrifts, isTfvarsFile, type CodifyOutcome } from '../remediation/codify/codify.js';
import { unifiedDiff } from '../remediation/codify/diff.js';
import { DriftgateError } from '../errors.js';
import { stackReader } from '../scan/scan-stack.js';
import { readTerraformSources } from '../terraform/stack.js';
import { parseHcl } from '../terraform/hcl-syntax.js';
import type { CodifyFlags } from './commands.js';
import { EXIT_POLICY, EXIT_REFUSED, type CliIo } from './io.js';
import { checkCodifyPatch } from '../policy-engine/check.js';
import { describeFindings } from '../policy-engine/render.js';
import { cliPolicyBundles } from './policy-bundles.js';
import { scanStackFromFlags } from './scan.js';
import { startHashicorpThread, type HashicorpThread } from '../terraform/hashicorp-thread.js';

export function readStackSources(dir: string): Promise<{ path: string; text: string }[]> {
  return readTerraformSources(dir, (name) => name.endsWith('.tf') || isTfvarsFile(name));
}

/** One line per refusal: what, why, and where to act (file:line and the expression). */
export function describeRefusals(outcome: CodifyOutcome): string {
  return outcome.refused
    .map((refusal) => {
      const expression = refusal.expression
        ? `: ${refusal.expression.split('\n')[0]!.slice(0, 80)}${refusal.expression.includes('\n') || refusal.expression.length > 80 ? ' …' : ''}`
        : '';
      const where = refusal.file
        ? ` (${refusal.file}${refusal.line ? `:${refusal.line}` : ''}${expression})`
        : '';
      return `refused: ${refusal.address}${refusal.path ? ` ${refusal.path}` : ''}: ${refusal.reason}${where}\n`;
    })
    .join('');
}

export async function runCodify(
  io: CliIo,
  setExitCode: (code: number) => void,
  dir: string,
  flags: CodifyFlags,
  /** HashiCorp's parser on its thread, started by the caller as early as it can. */
  hashicorp: HashicorpThread = startHashicorpThread(),
): Promise<void> {
  try {
    if (flags.diff && flags.write) throw new DriftgateError('choose one of --diff and --write');
    await codifyWith(io, setExitCode, dir, flags, hashicorp);
  } finally {
    await hashicorp.close();
  }
}

async function codifyWith(
  io: CliIo,
  setExitCode: (code: number) => void,
  dir: string,
  flags: CodifyFlags,
  hashicorp: HashicorpThread,
): Promise<void> {
  // One read of the code for both steps: the scan's parsed stack is codify's too. Bodies
  // are read when a drift asks for them: the cost follows the blocks codify edits.
  const readStack = stackReader(dir, { lazy: true });
  const report = await scanStackFromFlags(dir, flags, readStack);
  const wanted = flags.address ? new Set(flags.address) : undefined;
  const drifts = report.drifts.filter((drift) => !wanted || wanted.has(drift.address));
  if (wanted) {
    const missing = [...wanted].filter(
      (address) => !report.drifts.some((drift) => drift.address === address),
    );
    if (missing.length) throw new DriftgateError(`no drift for ${missing.join(', ')}`);
  }
  const outcome = await codifyDrifts(dir, await readStackSources(dir), drifts, {
    stack: await readStack(),
    hashicorp,
  });
  const diff = unifiedDiff(outcome);
  // Judged before anything is written: a broken policy bundle stops the command.
  const policy = await checkCodifyPatch(outcome, await cliPolicyBundles(flags.config));
  if (flags.write) {
    const changed = [...outcome.after].filter(([path, text]) => text !== outcome.before.get(path));
    // Before writing, every file to be written is read whole, as it is on disk (codify
    // checked its own edits): a syntax error in a block codify did not edit, whose body it
    // never read, stops the command with its place in the file, and nothing is written.
    for (const [path] of changed) await parseHcl(path, outcome.before.get(path)!);
    for (const [path, text] of changed) await writeFile(path, text);
    io.stdout(
      changed.length
        ? `codified ${outcome.codified.length} drift(s); wrote ${changed.map(([path]) => path).join(', ')}\n`
        : 'nothing to write: the code already matches live\n',
    );
  } else {
    io.stdout(diff || 'no changes: the code already matches live for every codifiable drift\n');
  }
  // stderr: `codify --diff > fix.patch` must leave a patch that applies.
  if (policy.findings.length) io.stderr(describeFindings(policy));
  if (outcome.refused.length) {
    io.stderr(describeRefusals(outcome));
    setExitCode(EXIT_REFUSED);
  } else if (policy.findings.length) {
    setExitCode(EXIT_POLICY);
  }
}
