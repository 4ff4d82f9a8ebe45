/**
 * The `driftgate/policy` check on driftgate's PRs: every codify patch is judged by the
 * policy engine (src/policy-engine) before its PR is written; findings raise the PR to
 * tier 2 at least and fail the check on the PR's head until someone with write access
 * approves that head by review.
 */
import type { DriftgateConfig } from '../config/schema.js';
import type { Drift, Tier } from '../drift/model.js';
import { canCommand } from '../github/commands.js';
import { ensureCheckRun } from '../github/check-runs.js';
import type { FileToCommit, GitHubRepository } from '../github/repository.js';
import type { PolicyReviewJob } from '../jobs/payloads.js';
import { checkCodifyPatch, type PolicyCheck } from '../policy-engine/check.js';
import { loadDefaultBundle, type PolicyBundle } from '../policy-engine/engine.js';
import {
  ACCEPTED_TITLE,
  FINDINGS_TITLE,
  POLICY_CHECK,
  acceptedCheckRun,
  policyCheckRun,
  renderPolicySection,
  type PolicyCheckRun,
} from '../policy-engine/render.js';
import { codifyDrifts, type CodifyOutcome } from '../remediation/codify/codify.js';
import { plainText } from '../report/markdown.js';
import { repositoryFor } from './environment.js';
import type { JobContext } from './job-context.js';

/** A codify patch with its policy verdict, computed once per PR write. */
export interface PreparedCodify {
  codify: CodifyOutcome;
  policy: PolicyCheck | undefined;
  /** A bundle could not be read or run: the check fails with this (one line). */
  problem: string | undefined;
  /** The PR commits the patch (codify direction): findings gate it. */
  gates: boolean;
}

/** driftgate's bundle and the repository's (`policy_checks.bundles`, default branch). */
export async function policyBundlesFor(
  github: GitHubRepository,
  config: DriftgateConfig,
): Promise<PolicyBundle[]> {
  const bundles = [await loadDefaultBundle()];
  for (const path of config.policy_checks.bundles) {
    const wasm = await readBytes(github, path);
    if (!wasm)
      throw new Error(
        `${path}: policy bundle not found on ${github.defaultBranch} (policy_checks.bundles)`,
      );
    bundles.push({ name: path, wasm });
  }
  return bundles;
}

async function readBytes(github: GitHubRepository, path: string): Promise<Uint8Array | undefined> {
  try {
    const { data } = await github.octokit.rest.repos.getContent({
      owner: github.owner,
      repo: github.repo,
      path,
      ref: github.defaultBranch,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, 'base64');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** Codify `drift` against the stack's files and judge the patch. */
export async function prepareCodify(
  drift: Drift,
  files: FileToCommit[],
  bundles: () => Promise<PolicyBundle[]>,
): Promise<PreparedCodify> {
  const codify = await codifyDrifts(
    '.',
    files.map((file) => ({ path: file.path, text: file.content })),
    [drift],
  );
  const gates = (drift.direction ?? 'revert') === 'codify';
  try {
    return {
      codify,
      policy: await checkCodifyPatch(codify, await bundles()),
      problem: undefined,
      gates,
    };
  } catch (error) {
    return { codify, policy: undefined, problem: (error as Error).message.split('\n')[0]!, gates };
  }
}

/** Findings (or a policy that could not run) on a patch the PR commits: tier 2 at least. */
export function tierWithPolicy(tier: Tier, prepared: PreparedCodify): Tier {
  const held =
    prepared.gates && (prepared.problem !== undefined || Boolean(prepared.policy?.findings.length));
  return held && tier < 2 ? 2 : tier;
}

/** The PR body's section on the patch's findings ('' when there are none). */
export function policySectionOf(prepared: PreparedCodify): string {
  if (prepared.problem)
    return `### Policy findings\n\nThe policy engine could not check this patch: ${plainText(prepared.problem)}`;
  return prepared.policy ? renderPolicySection(prepared.policy, prepared.gates) : '';
}

function desiredRun(prepared: PreparedCodify): PolicyCheckRun {
  if (prepared.problem && prepared.gates)
    return {
      conclusion: 'failure',
      title: 'The policy engine could not run',
      summary: `${plainText(prepared.problem)}\n\nFix the repository's \`policy_checks\` config; a review cannot accept an unchecked patch.`,
    };
  return policyCheckRun(prepared.policy ?? { evaluated: [], findings: [] }, prepared.gates);
}

/**
 * The check on a PR's head. A run a writer already accepted stays accepted while it is
 * about the same findings (a rescan rewrote nothing); new findings fail it again.
 */
export async function ensurePolicyCheck(
  github: GitHubRepository,
  headSha: string,
  prepared: PreparedCodify,
): Promise<void> {
  const desired = desiredRun(prepared);
  if (desired.conclusion === 'failure') {
    const current = await policyRunOn(github, headSha);
    if (
      current &&
      ACCEPTED_TITLE.test(current.title) &&
      current.summary.endsWith(`\n\n${desired.summary}`)
    )
      return;
  }
  await ensureCheckRun(github.octokit, {
    owner: github.owner,
    repo: github.repo,
    headSha,
    name: POLICY_CHECK,
    ...desired,
  });
}

async function policyRunOn(
  github: GitHubRepository,
  headSha: string,
): Promise<{ conclusion: string | null; title: string; summary: string } | undefined> {
  const { data } = await github.octokit.rest.checks.listForRef({
    owner: github.owner,
    repo: github.repo,
    ref: headSha,
    check_name: POLICY_CHECK,
    filter: 'latest',
    per_page: 1,
  });
  const run = data.check_runs[0];
  return run
    ? {
        conclusion: run.conclusion,
        title: run.output.title ?? '',
        summary: run.output.summary ?? '',
      }
    : undefined;
}

/** The policy floor of a PR's head: 2 while it carries findings (accepted or not). */
export async function policyTierFloor(github: GitHubRepository, headSha: string): Promise<Tier> {
  const run = await policyRunOn(github, headSha);
  return run && (FINDINGS_TITLE.test(run.title) || ACCEPTED_TITLE.test(run.title)) ? 2 : 1;
}

export type PolicyReviewOutcome =
  'accepted' | 'not-a-writer' | 'stale-review' | 'nothing-to-accept' | 'not-driftgate';

/** An approving review: a writer's approval of the current head accepts its findings. */
export async function handlePolicyReview(
  context: JobContext,
  job: PolicyReviewJob,
): Promise<PolicyReviewOutcome> {
  const github = repositoryFor(
    context,
    context.environment,
    job.owner,
    job.repo,
    job.defaultBranch,
  );
  const pr = await github.getPullRequest(job.pullNumber);
  if (pr.state !== 'open' || !pr.head.ref.startsWith('driftgate/')) return 'not-driftgate';
  if (pr.head.repo?.full_name !== pr.base.repo.full_name) return 'not-driftgate';
  // An approval of an older commit says nothing about what the head writes now.
  if (job.commitId !== pr.head.sha) return 'stale-review';
  const run = await policyRunOn(github, pr.head.sha);
  if (!run || run.conclusion !== 'failure' || !FINDINGS_TITLE.test(run.title))
    return 'nothing-to-accept';
  // The real permission, asked of GitHub now (as for commands), never the payload's association.
  const { permission, role } = await github.permissionOf(job.reviewer);
  if (!canCommand(permission, role)) return 'not-a-writer';
  await ensureCheckRun(github.octokit, {
    owner: github.owner,
    repo: github.repo,
    headSha: pr.head.sha,
    name: POLICY_CHECK,
    ...acceptedCheckRun(run, job.reviewer),
  });
  return 'accepted';
}
