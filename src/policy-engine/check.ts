/**
 * The policy check of one codify patch: the resources the patch touched (each codified
 * drift's resource and the blocks it added), read as the patched code says them, judged by
 * every policy bundle; each finding located at the file and lines it points at. Pure apart
 * from the engine (WebAssembly, in-process).
 */
import type { CodifyOutcome } from '../remediation/codify/codify.js';
import { findResource } from '../terraform/stack.js';
import { evaluatePolicies, type EngineFinding, type PolicyBundle } from './engine.js';
import { policyInputOf, rangeOfPath } from './input.js';

export interface PolicyFinding extends EngineFinding {
  file: string;
  /** 1-based, inclusive: the lines of the offending attribute, block or list item. */
  line: number;
  endLine: number;
  /** The source text of those lines (at most MAX_SHOWN_LINES). */
  lines: string[];
}

export interface PolicyCheck {
  /** Addresses the engine read: what the patch touched. */
  evaluated: string[];
  findings: PolicyFinding[];
}

const MAX_SHOWN_LINES = 12;

/** The resources a codify outcome changed or added (a plan with edits only). */
export function touchedResources(outcome: CodifyOutcome): string[] {
  return [
    ...new Set(
      outcome.codified
        .filter((plan) => plan.edits.length > 0)
        .flatMap((plan) => [plan.address, ...plan.addedResources]),
    ),
  ];
}

export async function checkCodifyPatch(
  outcome: CodifyOutcome,
  bundles: PolicyBundle[],
): Promise<PolicyCheck> {
  const evaluated = touchedResources(outcome);
  const input = await policyInputOf(outcome.context, evaluated);
  const found = await evaluatePolicies(bundles, input);
  const findings: PolicyFinding[] = [];
  for (const finding of found) {
    // A bundle may only speak about what it was shown.
    const declared = evaluated.includes(finding.address)
      ? findResource(outcome.context.stack, finding.address)
      : undefined;
    if (!declared) continue;
    const file = outcome.context.stack.files.find(
      (candidate) => candidate.path === declared.block.file,
    );
    const range = rangeOfPath(declared.block, finding.path);
    const text = file?.text ?? '';
    const endLine = range.line + (text.slice(range.start, range.end).match(/\n/g)?.length ?? 0);
    const lines = text
      .split('\n')
      .slice(range.line - 1, Math.min(endLine, range.line - 1 + MAX_SHOWN_LINES));
    findings.push({ ...finding, file: declared.block.file, line: range.line, endLine, lines });
  }
  return { evaluated, findings };
}

/** `main.tf:12` or `main.tf:12-14`. */
export function whereOf(finding: PolicyFinding): string {
  return `${finding.file}:${finding.line}${finding.endLine > finding.line ? `-${finding.endLine}` : ''}`;
}
