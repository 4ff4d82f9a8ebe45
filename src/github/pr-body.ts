/**
 * The remediation PR's body: rendered from a typed model, with hidden metadata that
 * `parsePullRequestMeta` reads back (so GitHub itself is driftgate's database). The
 * metadata is never trusted for authorisation: it only says which drift a PR is about.
 */
import { z } from 'zod';
import {
  parseHidden,
  renderHidden,
  replaceHidden,
  type MetadataKey,
  type RecordReader,
} from './hidden-json.js';
import { attributionSkippedText, type Direction, type Drift, type Tier } from '../drift/model.js';
import { codeBlock, inlineCode, plainText, tableCell } from '../report/markdown.js';
import { changeCells } from '../report/render.js';
import type { RevertPlan } from '../remediation/revert.js';
import { terraformTargetCommand } from '../remediation/shell.js';
import { contextSection } from '../context/pr-section.js';
import { trainingSection, type TrainingAssignment } from '../context/training.js';

/** GitHub rejects bodies over 65,536 characters; keep well under. */
export const BODY_LIMIT = 60_000;

export const pullRequestMetaSchema = z.object({
  v: z.literal(1),
  stack: z.string(),
  address: z.string(),
  fingerprint: z.string(),
  direction: z.enum(['revert', 'codify']),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** A direction a person chose with `/driftgate codify|revert`; later scans keep it. */
  override: z.enum(['revert', 'codify']).optional(),
  override_by: z.string().optional(),
  /** Set when `/driftgate ignore for N days` closed the PR: after this day the drift may come back. */
  ignored_until: z.string().optional(),
  /** The plan artifact the drift came from (a `source: plan` stack): later rescans reuse it. */
  plan_run_id: z.number().int().optional(),
  plan_artifact: z.string().optional(),
  /** An undo PR: the number of the merged remediation PR it undoes. */
  undo_of: z.number().int().optional(),
  /** Training mode: the learner this PR is assigned to, and until when auto-merge waits. */
  learner: z.string().optional(),
  hold_until: z.string().optional(),
  learner_by: z.string().optional(),
});
export type PullRequestMeta = z.infer<typeof pullRequestMetaSchema>;

export function renderMeta(key: MetadataKey, meta: PullRequestMeta): string {
  return renderHidden(key, 'meta', meta);
}

/** The body with its metadata replaced (the visible text stays as it was). */
export function withMeta(key: MetadataKey, body: string, meta: PullRequestMeta): string {
  return replaceHidden(key, body, 'meta', meta);
}

/** The PR's authentic metadata; a forged or edited record reads as none (and is reported). */
/** The plan artifact a plan-fed drift PR was made from, for a rescan of the same plan. */
export function planOfPullRequest(
  meta: Pick<PullRequestMeta, 'plan_run_id' | 'plan_artifact'>,
): { runId: number; artifact: string } | undefined {
  return meta.plan_run_id !== undefined && meta.plan_artifact
    ? { runId: meta.plan_run_id, artifact: meta.plan_artifact }
    : undefined;
}

export function parsePullRequestMeta(
  reader: RecordReader,
  body: string | null | undefined,
): PullRequestMeta | undefined {
  return parseHidden(reader, body, 'meta', pullRequestMetaSchema);
}

export interface PullRequestModel {
  drift: Drift;
  direction: Direction;
  tier: Tier;
  revert: RevertPlan;
  /** Unified diff of the codify patch ('' when codify is refused). */
  codifyDiff: string;
  /** Why codify cannot do it: the attribute (or address) and the reason, as plain text. */
  codifyRefusals: { subject: string; reason: string }[];
  override?: { direction: Direction; by: string } | undefined;
  /** How this PR merges (auto-merge, driftgate merges when green, review, advisory). */
  mergeNote?: string | undefined;
  /** A person raised the tier above the policy's by relabelling. */
  raisedFrom?: Tier | undefined;
  plan?: { runId: number; artifact: string } | undefined;
  /** The policy engine's findings on the codify patch, rendered (policy-engine/render.ts). */
  policySection?: string | undefined;
  /** The tier was raised to 2 by those findings, not by a person. */
  raisedByPolicy?: boolean | undefined;
  /** Training mode: assigned to a learner, with a by-hand checklist. */
  training?: TrainingAssignment | undefined;
}

export function pullRequestTitle(model: PullRequestModel): string {
  const verb = model.direction === 'revert' ? 'Revert' : 'Codify';
  return `driftgate: ${verb} drift on ${model.drift.address} (${model.drift.stack})`;
}

/** Every value from the cloud, a plan or a config is escaped (src/report/markdown.ts). */
export function renderPullRequestBody(key: MetadataKey, model: PullRequestModel): string {
  const { drift } = model;
  const lines: string[] = [];
  const other = model.direction === 'revert' ? 'codify' : 'revert';
  lines.push(
    `**${plainText(drift.address)}** in stack ${inlineCode(drift.stack)} ${drift.action === 'delete' ? 'was deleted' : 'was changed'} outside Terraform.`,
    '',
    model.direction === 'revert'
      ? 'This PR proposes to **revert** live state to the code.'
      : 'This PR proposes to **codify** the manual change: the code is updated to say what is live.',
    `Why this direction: ${plainText(drift.directionReason ?? 'default')}.`,
    '',
    '### What changed',
    '',
  );
  if (drift.changes.length) {
    lines.push('| Attribute | Recorded (code) | Live |', '| --- | --- | --- |');
    for (const change of drift.changes) {
      const [attribute, recorded, live] = changeCells(change);
      lines.push(
        `| ${tableCell(inlineCode(attribute))} | ${tableCell(inlineCode(recorded))} | ${tableCell(inlineCode(live))} |`,
      );
    }
  } else {
    lines.push('The resource no longer exists.');
  }
  lines.push('', '### Who, when, how', '');
  const a = drift.attribution;
  lines.push(
    a
      ? `${plainText(a.eventName)} by **${plainText(a.actor)}** (${plainText(a.actorType)}) at ${plainText(a.time)}, via ${plainText(a.via)}${a.sourceIp ? ` from ${plainText(a.sourceIp)}` : ''}.`
      : drift.attributionSkipped
        ? `Not known: ${plainText(attributionSkippedText(drift.attributionSkipped))}.`
        : 'CloudTrail did not say (no matching event, or no access).',
  );
  lines.push(...contextSection(drift));
  if (drift.security && drift.security.direction !== 'neutral') {
    lines.push(
      '',
      `### Security: ${plainText(drift.security.direction)}`,
      '',
      `${plainText(drift.security.explanation)}.`,
    );
  }
  lines.push('', '### Proposed remediation', '');
  if (model.direction === 'revert') {
    if (model.revert.operations.length)
      lines.push(
        ...model.revert.operations.map(
          (operation) => `- ${plainText(operation.description)} (${inlineCode(operation.api)})`,
        ),
      );
    if (model.revert.refusals.length) {
      lines.push(
        '',
        'Not reverted by API (Terraform must do it):',
        ...model.revert.refusals.map(
          (refusal) =>
            `- ${inlineCode(refusal.path || drift.address)}: ${plainText(refusal.reason)}`,
        ),
      );
    }
  } else if (model.codifyDiff) {
    lines.push(codeBlock(model.codifyDiff, 'diff'));
  } else if (drift.cause === 'stale-state' && model.codifyRefusals.length === 0) {
    lines.push(
      'The code already says what is live: nothing to change. Merging records the decision; `terraform apply -refresh-only` brings the recorded state up to date.',
    );
  } else {
    lines.push(
      'driftgate cannot codify this drift automatically:',
      ...model.codifyRefusals.map(
        (refusal) => `- ${inlineCode(refusal.subject)}: ${plainText(refusal.reason)}`,
      ),
    );
  }
  if (model.policySection) lines.push('', model.policySection);
  lines.push(
    '',
    `**Alternative:** comment \`/driftgate ${other}\` to switch this PR to ${other === 'revert' ? 'reverting live state' : 'codifying the change'}.`,
  );
  lines.push(
    '',
    `### Tier ${model.tier}`,
    '',
    `${model.mergeNote ?? tierMeaning(model.tier)} Set by: ${model.raisedByPolicy && model.raisedFrom ? `the policy findings above (policy says tier ${model.raisedFrom}: ${plainText(drift.tierReason ?? 'policy')})` : model.raisedFrom ? `a person's label (policy says tier ${model.raisedFrom}: ${plainText(drift.tierReason ?? 'policy')})` : plainText(drift.tierReason ?? 'policy')}.`,
  );
  lines.push('', '### Do it by hand', '');
  const commands =
    model.direction === 'revert'
      ? [
          ...model.revert.operations.map((operation) => operation.command),
          '',
          '# or let Terraform do it:',
          ...model.revert.terraformCommands,
        ]
      : [
          '# after merging the code change, Terraform should see nothing to do:',
          terraformTargetCommand('plan', drift.address),
        ];
  lines.push(codeBlock(commands.join('\n'), 'sh'));
  if (model.training)
    lines.push(
      ...trainingSection({
        assignment: model.training,
        drift,
        tier: model.tier,
        awsCommands: model.revert.operations.map((operation) => operation.command),
        terraformCommands: model.revert.terraformCommands,
      }),
    );
  lines.push(
    '',
    `<sub>driftgate · fingerprint ${inlineCode(drift.fingerprint)} · source: ${plainText(drift.source)}</sub>`,
  );
  lines.push(
    renderMeta(key, {
      v: 1,
      stack: drift.stack,
      address: drift.address,
      fingerprint: drift.fingerprint,
      direction: model.direction,
      tier: model.tier,
      ...(model.override
        ? { override: model.override.direction, override_by: model.override.by }
        : {}),
      ...(model.training
        ? {
            learner: model.training.learner,
            hold_until: model.training.holdUntil,
            ...(model.training.by ? { learner_by: model.training.by } : {}),
          }
        : {}),
      ...(model.plan ? { plan_run_id: model.plan.runId, plan_artifact: model.plan.artifact } : {}),
    }),
  );
  return truncateBody(lines.join('\n'));
}

function tierMeaning(tier: Tier): string {
  switch (tier) {
    case 1:
      return 'Merges on its own once checks pass.';
    case 2:
      return 'Needs an approving review from someone with write access.';
    case 3:
      return 'Advisory: driftgate never executes it; a human implements the change.';
  }
}

/** Keep the body under GitHub's limit: cut the longest fenced block and say so; keep the metadata. */
export function truncateBody(body: string): string {
  if (body.length <= BODY_LIMIT) return body;
  // driftgate's record is the last one (values cannot produce another).
  const meta =
    [...body.matchAll(/<!-- driftgate:meta [A-Za-z0-9+/=]+ [A-Za-z0-9_-]+ -->/g)].at(-1)?.[0] ?? '';
  const note = "\n\n… (truncated: the full diff is in the PR's commits)\n";
  return `${body.slice(0, BODY_LIMIT - meta.length - note.length - 8)}${note}${meta}`;
}
