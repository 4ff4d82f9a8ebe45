/**
 * `driftgate codify [DIR]`: write the live values of drifted resources into the stack's
 * `.tf` / `.tfvars` files. `--diff` (the default) prints a unified diff and changes
 * nothing; `--write` applies it. Exit 0 when every drift was codified, 3 when some were
 * refused (each listed with where a human must act), 1 on error.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { codifyDrifts, isTfvarsFile, type CodifyOutcome } from '../remediation/codify/codify.js';
import { unifiedDiff } from '../remediation/codify/diff.js';
import { DriftgateError } from '../errors.js';
import { stackReader } from '../scan/scan-stack.js';
import { readTerraformSources } from '../terraform/stack.js';
import type { CliIo } from './main.js';
import { addStackSourceOptions, scanStackFromFlags, type StackSourceFlags } from './scan.js';

export const EXIT_REFUSED = 3;

interface CodifyFlags extends StackSourceFlags {
  address?: string[];
  diff?: boolean;
  write?: boolean;
}

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

export function registerCodifyCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const codify = addStackSourceOptions(
    program
      .command('codify')
      .description(
        'Write live values of drifted resources into the Terraform code (formatting and comments kept).',
      )
      .argument('[dir]', 'the stack: a Terraform root module directory', '.'),
  )
    .option('--address <address...>', 'only these resource addresses')
    .option('--diff', 'print a unified diff and change nothing (the default)')
    .option('--write', 'apply the changes to the files');
  codify.action(async (dir: string, flags: CodifyFlags) => {
    if (flags.diff && flags.write) throw new DriftgateError('choose one of --diff and --write');
    // One read of the code for both steps: the scan's parsed stack is codify's too.
    const readStack = stackReader(dir);
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
    });
    const diff = unifiedDiff(outcome);
    if (flags.write) {
      for (const [path, text] of outcome.after)
        if (text !== outcome.before.get(path)) await writeFile(path, text);
      const changed = [...outcome.after]
        .filter(([path, text]) => text !== outcome.before.get(path))
        .map(([path]) => path);
      io.stdout(
        changed.length
          ? `codified ${outcome.codified.length} drift(s); wrote ${changed.join(', ')}\n`
          : 'nothing to write: the code already matches live\n',
      );
    } else {
      io.stdout(diff || 'no changes: the code already matches live for every codifiable drift\n');
    }
    if (outcome.refused.length) {
      // stderr: `codify --diff > fix.patch` must leave a patch that applies.
      io.stderr(describeRefusals(outcome));
      setExitCode(EXIT_REFUSED);
    }
  });
}
