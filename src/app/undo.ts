/**
 * `/driftgate undo` on a merged remediation PR: a new PR that takes the remediation back,
 * under the same tier and review rules. For an executed revert it plans the inverse
 * operations (restoring the manual change, from the pre-image in the ledger); merging it
 * executes them like any revert. For a codify it restores the `.tf` files as they were
 * before the merge. Each undo leaves its own ledger record.
 */
import { parsePullRequestMeta, withMeta, type PullRequestMeta } from '../github/pr-body.js';
import type { GitHubRepository } from '../github/repository.js';
import { tierLabel } from '../policy/merge.js';
import { awsCommandFor } from '../remediation/describe.js';
import {
  ledgerRecordPathIn,
  parseLedgerRecord,
  undoRecordFront,
  commitLine,
  renderTrailers,
} from '../remediation/ledger.js';
import { stringify } from 'yaml';
import { addressSlug } from '../terraform/address.js';
import { inlineCode, plainText } from '../report/markdown.js';

export type UndoOutcome = { kind: 'opened'; number: number } | { kind: 'refused'; reason: string };

export function undoBranch(meta: PullRequestMeta, number: number): string {
  // Outside driftgate/<stack>/ so reconcile never closes it as a vanished drift.
  return `driftgate-undo/${meta.stack}/${addressSlug(meta.address)}-${number}`;
}

export async function openUndoPullRequest(
  github: GitHubRepository,
  number: number,
  by: string,
  now: Date,
  options: { regionOf?: (stack: string) => Promise<string | undefined> } = {},
): Promise<UndoOutcome> {
  const pr = await github.getPullRequest(number);
  const meta = parsePullRequestMeta(github.records, pr.body);
  if (!pr.merged || !meta || !pr.head.ref.startsWith('driftgate/'))
    return {
      kind: 'refused',
      reason: '`/driftgate undo` works on a merged driftgate remediation PR.',
    };
  if (pr.head.repo?.full_name !== pr.base.repo.full_name)
    return { kind: 'refused', reason: 'this PR did not come from this repository.' };
  const files = await github.pullRequestFiles(number);
  const ledgerPath = ledgerRecordPathIn(files.map((file) => file.path));
  if (!ledgerPath) return { kind: 'refused', reason: 'the PR has no ledger record to undo.' };
  // The default branch has the record with its outcome.
  const text = await github.readFile(ledgerPath);
  if (text === undefined)
    return { kind: 'refused', reason: `${ledgerPath} is gone from the default branch.` };
  const record = parseLedgerRecord(text, ledgerPath);
  const outcome = record.front.outcome as { status?: string } | null;
  const tier = record.front.tier;
  const branch = undoBranch(meta, number);
  const date = now.toISOString();
  const undoLedgerPath = ledgerPath.replace(/\.md$/, `-undo-${number}.md`);
  const baseFront = { ...record.front, detected_at: date, undo_of: number, outcome: null };

  let commitFiles: { path: string; content: string }[];
  let summary: string[];
  if (record.front.direction === 'revert') {
    if (outcome?.status !== 'applied')
      return {
        kind: 'refused',
        reason: `the revert was not applied (outcome: ${outcome?.status ?? 'none yet'}), so there is nothing to undo.`,
      };
    const front = undoRecordFront(record, number, now);
    const operations = front.planned_operations;
    const region = await options.regionOf?.(record.front.stack);
    commitFiles = [
      {
        path: undoLedgerPath,
        content: `---\n${stringify(front).trimEnd()}\n---\n\n# Undo #${number}: restore the manual change on ${plainText(meta.address)}\n\nRequested by @${by}. Merging executes the operations below with the stack's apply role.\n`,
      },
    ];
    summary = [
      `Merging this PR restores the live state that #${number} reverted (the manual change), with the same pre-check, verification and rollback:`,
      '',
      ...operations.map(
        (operation) =>
          `- ${plainText(operation.description ?? operation.api)} (${inlineCode(operation.api)})`,
      ),
      '',
      '### Do it by hand',
      '',
      '```sh',
      ...operations.map((operation) => awsCommandFor(operation.api, operation.params, region)),
      '```',
    ];
  } else {
    // Codify: put back the code files as they were before the merge.
    const parent = (
      await github.octokit.rest.git.getCommit({
        owner: github.owner,
        repo: github.repo,
        commit_sha: pr.merge_commit_sha!,
      })
    ).data.parents[0]!.sha;
    commitFiles = [];
    for (const file of files) {
      if (file.path.startsWith('.driftgate/')) continue;
      const before = await github.readFile(file.path, parent);
      if (before !== undefined) commitFiles.push({ path: file.path, content: before });
    }
    commitFiles.push({
      path: undoLedgerPath,
      content: `---\n${stringify({ ...baseFront, planned_operations: [] }).trimEnd()}\n---\n\n# Undo #${number}: restore the code before the codify of ${plainText(meta.address)}\n\nRequested by @${by}.\n`,
    });
    summary = [
      `Merging this PR restores ${commitFiles.length - 1} file(s) to their content before #${number}. Live state is not touched: the next scan reports the drift again.`,
    ];
  }
  await github.ensureBranchCommit(
    branch,
    commitFiles,
    `driftgate: undo #${number} (${record.front.direction} of ${commitLine(meta.address)})\n\nRequested by @${by}.\n\n${renderTrailers(
      [
        ['Drift-Id', meta.fingerprint],
        ['Drift-Stack', meta.stack],
        ['Drift-Address', meta.address],
        ['Drift-Tier', tier],
        ['Drift-Direction', record.front.direction === 'revert' ? 'undo-revert' : 'undo-codify'],
        ['Drift-Undo-Of', number],
      ],
    )}\n`,
  );
  const labels = [tierLabel(tier), 'driftgate:undo'];
  await github.ensureLabels(labels);
  const opened = await github.openPullRequest({
    branch,
    title: `driftgate: Undo #${number} (${record.front.direction} of ${meta.address})`,
    body: withMeta(
      github.records.key,
      [
        `@${by} asked to undo #${number}.`,
        '',
        ...summary,
        '',
        `Tier ${tier}: the same review rules as #${number} apply.`,
      ].join('\n'),
      { ...meta, direction: 'revert', tier, undo_of: number },
    ),
    draft: tier === 3,
    labels,
  });
  return { kind: 'opened', number: opened.number };
}
