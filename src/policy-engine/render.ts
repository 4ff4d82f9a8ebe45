/**
 * Policy findings in words: the PR body's section, the `driftgate/policy` check run, and
 * the CLI's lines. Rule ids, messages and source lines come from policy bundles and the
 * repository's code: every one goes through src/report/markdown.ts.
 */
import { codeBlock, inlineCode, plainText } from '../report/markdown.js';
import { whereOf, type PolicyCheck, type PolicyFinding } from './check.js';

export const POLICY_CHECK = 'driftgate/policy';

/** Titles the check run carries; tier-labels and the review handler read them back. */
export const FINDINGS_TITLE = /^\d+ policy findings? in the codify patch$/;
export const ACCEPTED_TITLE = /^Policy findings accepted by @[A-Za-z0-9-]+(\[bot\])?$/;

function findingMarkdown(finding: PolicyFinding): string {
  return [
    `- ${inlineCode(finding.rule)} on ${inlineCode(finding.address)} at ${inlineCode(whereOf(finding))}: ${plainText(finding.message)}${finding.bundle === 'driftgate' ? '' : ` (policy bundle ${inlineCode(finding.bundle)})`}`,
    '',
    codeBlock(finding.lines.join('\n'), 'hcl'),
  ].join('\n');
}

/**
 * The PR body's section. `gates`: the PR commits the patch (codify direction), so the
 * findings hold the PR at tier 2 and fail the check; otherwise they describe the
 * alternative a person could switch to.
 */
export function renderPolicySection(check: PolicyCheck, gates: boolean): string {
  if (!check.findings.length) return '';
  const count = check.findings.length;
  const lead = gates
    ? `The policy engine (OPA) found ${count} insecure pattern${count === 1 ? '' : 's'} in the code this PR writes. The PR is tier 2 at least, and the ${inlineCode(POLICY_CHECK)} check fails until someone with write access approves the PR by review.`
    : `Codifying this drift instead would write ${count} insecure pattern${count === 1 ? '' : 's'} the policy engine (OPA) flags:`;
  return ['### Policy findings', '', lead, '', ...check.findings.map(findingMarkdown)].join('\n');
}

export interface PolicyCheckRun {
  conclusion: 'success' | 'failure';
  title: string;
  summary: string;
}

/** The `driftgate/policy` check run of a driftgate PR's head. */
export function policyCheckRun(check: PolicyCheck, gates: boolean): PolicyCheckRun {
  if (!gates)
    return {
      conclusion: 'success',
      title: 'No code written by this PR',
      summary:
        'This PR reverts live state; it writes no Terraform code, so there is nothing for the policy engine to check.',
    };
  if (!check.findings.length)
    return {
      conclusion: 'success',
      title: 'No policy findings',
      summary: check.evaluated.length
        ? `The policy engine read ${check.evaluated.map((address) => inlineCode(address)).join(', ')} as the patch leaves it: no rule tripped.`
        : 'The codify patch changes no resource block.',
    };
  const count = check.findings.length;
  return {
    conclusion: 'failure',
    title: `${count} policy finding${count === 1 ? '' : 's'} in the codify patch`,
    summary: [
      'An approving review from someone with write access accepts these findings and turns this check green.',
      '',
      ...check.findings.map(findingMarkdown),
    ].join('\n'),
  };
}

/** The failing run, accepted by a reviewer: its findings stay in the summary. */
export function acceptedCheckRun(failing: { summary: string }, reviewer: string): PolicyCheckRun {
  return {
    conclusion: 'success',
    title: `Policy findings accepted by @${reviewer}`,
    summary: `Accepted by @${reviewer} with an approving review.\n\n${failing.summary}`,
  };
}

/** The CLI's lines: one per finding, then its source lines, indented. */
export function describeFindings(check: PolicyCheck): string {
  return check.findings
    .map(
      (finding) =>
        `policy: ${finding.rule} ${finding.address} (${whereOf(finding)}): ${finding.message}\n${finding.lines.map((line) => `    ${line}\n`).join('')}`,
    )
    .join('');
}
