/**
 * `/driftgate ignore [for <duration>] [reason]`: the drift PR closes, and the ignore is
 * proposed as a small PR to `.github/driftgate.yml` — so every ignore lives in git with an
 * owner, a reason and (optionally) an expiry, and is reviewed like any other change. Until
 * that PR merges, the closed drift PR alone keeps the drift from being re-opened; when an
 * ignore with an expiry runs out, the next scan opens a new PR.
 */
import { commitLine, renderTrailers } from '../remediation/ledger.js';
import { addIgnoreRule } from '../config/edit.js';
import { CONFIG_PATH } from '../config/load.js';
import { withMeta, type PullRequestMeta } from '../github/pr-body.js';
import { LABEL_IGNORED } from '../github/reconcile.js';
import type { GitHubRepository } from '../github/repository.js';
import { addressSlug } from '../terraform/address.js';
import { inlineCode, plainText } from '../report/markdown.js';

export interface IgnoreRequest {
  pullRequest: { number: number; body: string };
  meta: PullRequestMeta;
  days: number | undefined;
  reason: string | undefined;
  by: string;
  now: Date;
}

export function ignoreBranch(meta: PullRequestMeta): string {
  // Outside driftgate/<stack>/ so reconcile never mistakes it for a drift PR.
  return `driftgate-config/ignore/${meta.stack}/${addressSlug(meta.address)}`;
}

function addDays(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Open the config PR and close the drift PR; returns the config PR's number. */
export async function ignoreDrift(
  github: GitHubRepository,
  request: IgnoreRequest,
): Promise<number> {
  const { meta, by, now } = request;
  const until = request.days ? addDays(now, request.days) : undefined;
  const reason = `${request.reason ?? 'accepted as is'} (via /driftgate ignore on #${request.pullRequest.number})`;
  const current = await github.readFile(CONFIG_PATH);
  if (current === undefined)
    throw new Error(`${CONFIG_PATH} is missing on ${github.defaultBranch}`);
  // Throws a DriftgateError when the config would not validate: nothing is written then.
  const next = addIgnoreRule(current, {
    address: meta.address,
    ...(until ? { until } : {}),
    reason,
    owner: by,
  });
  const branch = ignoreBranch(meta);
  await github.ensureBranchCommit(
    branch,
    [{ path: CONFIG_PATH, content: next }],
    `driftgate: ignore drift on ${commitLine(meta.address)}${until ? ` until ${until}` : ''}\n\n${reason}\n\n${renderTrailers(
      [
        ['Drift-Id', meta.fingerprint],
        ['Drift-Stack', meta.stack],
        ['Drift-Address', meta.address],
        ['Drift-Ignored-By', by],
      ],
    )}\n`,
  );
  const configPr = await github.openPullRequest({
    branch,
    title: `driftgate: ignore drift on ${meta.address} (${meta.stack})${until ? ` until ${until}` : ''}`,
    body: [
      `@${by} asked driftgate to ignore the drift on ${inlineCode(meta.address)} in stack ${inlineCode(meta.stack)} (#${request.pullRequest.number}).`,
      '',
      `This adds an \`ignore\` rule to \`${CONFIG_PATH}\`${until ? `, expiring after ${until}` : ' with no expiry'}. Merge it to make the ignore part of the configuration; close it to drop the request (the drift PR stays closed until the drift changes${until ? ' or the ignore expires' : ''}).`,
    ].join('\n'),
    draft: false,
    labels: [],
  });
  await github.updatePullRequestBody(
    request.pullRequest.number,
    withMeta(github.records.key, request.pullRequest.body, {
      ...meta,
      ...(until ? { ignored_until: until } : {}),
    }),
  );
  await github.ensureLabels([LABEL_IGNORED]);
  await github.closePullRequest(
    request.pullRequest.number,
    `Ignored by @${by}${until ? ` until ${until}` : ''}: ${plainText(reason)}. The rule is proposed in #${configPr.number}. driftgate will not re-open this drift${until ? ' before then' : ''} unless it changes.`,
    LABEL_IGNORED,
  );
  return configPr.number;
}
