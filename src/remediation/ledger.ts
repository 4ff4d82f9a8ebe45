/**
 * The ledger record a remediation PR commits: `.driftgate/ledger/<stack>/<date>-<fingerprint>.md`,
 * YAML front matter (machine-readable) plus prose (for people reading `git log -p`).
 * Values are the drift's, already masked: secrets never reach the ledger. Pure.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { DriftgateError, formatKeyPath } from '../errors.js';
import { parseYamlInput } from '../yaml-input.js';
import { plannedOperationSchema } from './operation-schema.js';
import type { Direction, Drift, Tier } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import {
  inversePlan,
  type ExecutionReport,
  type LiveExpectation,
  type PlannedOperation,
} from './execute.js';
import type { RevertPlan } from './revert.js';

/** The ledger record among a commit's or PR's files, if it has one. */
export function ledgerRecordPathIn(paths: readonly string[]): string | undefined {
  return paths.find((path) => path.startsWith('.driftgate/ledger/') && path.endsWith('.md'));
}

export function ledgerPath(drift: Drift, date: Date): string {
  return `.driftgate/ledger/${drift.stack}/${date.toISOString().slice(0, 10)}-${drift.fingerprint}.md`;
}

export function renderLedgerRecord(input: {
  drift: Drift;
  direction: Direction;
  tier: Tier;
  revert: RevertPlan;
  date: Date;
}): string {
  const { drift } = input;
  const front = {
    driftgate: 1,
    drift_id: drift.fingerprint,
    stack: drift.stack,
    address: drift.address,
    type: drift.type,
    action: drift.action,
    source: drift.source,
    direction: input.direction,
    tier: input.tier,
    detected_at: input.date.toISOString(),
    attribution: drift.attribution,
    cause: drift.cause ?? null,
    security: drift.security,
    // The pre-image: what live was when the PR was opened, for the pre-check and for undo.
    changes: drift.changes.map((change) => ({
      path: formatPath(change.path),
      recorded: change.recorded,
      live: change.live,
    })),
    planned_operations:
      input.direction === 'revert'
        ? input.revert.operations.map((operation) => ({
            api: operation.api,
            params: operation.params,
            description: operation.description,
            ...(operation.inverse ? { inverse: operation.inverse } : {}),
          }))
        : [],
    outcome: null,
  };
  const prose = [
    `# ${input.direction === 'revert' ? 'Revert' : 'Codify'} drift on ${drift.address}`,
    '',
    `${drift.address} in stack ${drift.stack} ${drift.action === 'delete' ? 'was deleted' : 'was changed'} outside Terraform${drift.attribution ? ` by ${drift.attribution.actor} at ${drift.attribution.time}` : ''}.`,
    drift.security && drift.security.direction !== 'neutral'
      ? `Security: ${drift.security.direction}: ${drift.security.explanation}.`
      : '',
    `Proposed: ${input.direction} (${drift.directionReason ?? 'default'}); tier ${input.tier} (${drift.tierReason ?? 'policy'}).`,
  ].filter((line, index, all) => line !== '' || all[index - 1] !== '');
  return `---\n${stringify(front).trimEnd()}\n---\n\n${prose.join('\n')}\n`;
}

/**
 * A value on one line of a commit message. Addresses, stack names and actors come from
 * state, plans and CloudTrail (a `for_each` key may hold a newline): a line break in one
 * must not start a trailer, or a subject, of its own. Control characters are written as
 * escapes; everything else is kept, so `git log --grep` still finds the address.
 */
export function commitLine(value: string | number): string {
  return String(value).replace(/[\p{Cc}\u2028\u2029]/gu, (character) =>
    character === '\n' ? '\\n' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `Key: value` trailer lines, each value kept on its line. */
export function renderTrailers(entries: [key: string, value: string | number][]): string {
  return entries.map(([key, value]) => `${key}: ${commitLine(value)}`).join('\n');
}

/** The commit message trailers that make `git log` an audit trail. */
export function commitTrailers(drift: Drift, direction: Direction, tier: Tier): string {
  return renderTrailers([
    ['Drift-Id', drift.fingerprint],
    ['Drift-Stack', drift.stack],
    ['Drift-Address', drift.address],
    ['Drift-Actor', drift.attribution?.actor ?? 'unknown'],
    ['Drift-Tier', tier],
    ['Drift-Direction', direction],
  ]);
}

const ledgerFrontSchema = z
  .object({
    driftgate: z.literal(1),
    drift_id: z.string().regex(/^[0-9a-f]{16}$/, 'expected a 16-hex drift id'),
    stack: z.string(),
    address: z.string(),
    type: z.string(),
    action: z.string(),
    /** aws: found by driftgate's live scan; plan: from a Terraform plan (applied by workflow). */
    source: z.enum(['aws', 'plan']).default('aws'),
    direction: z.enum(['revert', 'codify']),
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    detected_at: z.string(),
    attribution: z.object({ actor: z.string() }).passthrough().nullable(),
    changes: z.array(z.object({ path: z.string(), recorded: z.unknown(), live: z.unknown() })),
    planned_operations: z.array(plannedOperationSchema),
    /**
     * Set on an undo record: the PR whose remediation this one undoes, or (an undo run from
     * a terminal of a revert run from a terminal) the file name of that revert's record.
     */
    undo_of: z.union([z.number().int(), z.string().min(1)]).optional(),
    outcome: z.record(z.string(), z.unknown()).nullable(),
  })
  .passthrough();

export type LedgerFront = z.infer<typeof ledgerFrontSchema>;

export interface LedgerRecord {
  front: LedgerFront;
  prose: string;
}

const FRONT = /^---\n([\s\S]*?)\n---\n/;

export function parseLedgerRecord(text: string, source: string): LedgerRecord {
  const match = FRONT.exec(text);
  if (!match)
    throw new DriftgateError('not a driftgate ledger record (no YAML front matter)', {
      file: source,
    });
  // The front matter starts on the file's second line, after `---`.
  const input = parseYamlInput(match[1]!, source, { lineOffset: 1 });
  const parsed = ledgerFrontSchema.safeParse(input.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DriftgateError(
      `not a driftgate ledger record: ${formatKeyPath(issue.path)}: ${issue.message}`,
      input.locate(issue.path),
    );
  }
  return { front: parsed.data, prose: text.slice(match[0].length) };
}

/** What happened when the remediation was merged: the audit trail's last word. */
export interface LedgerOutcome {
  status: string;
  /** The merged PR; null when the remediation ran from a terminal (`driftgate revert`). */
  pull_request: number | null;
  merged_by: string | null;
  /** From a terminal: who ran it (git user), and how. */
  executed_by?: string;
  via?: 'cli';
  approved_by: string[];
  executed_at: string;
  operations: { api: string; result: string; error?: string }[];
  rollback: { api: string; result: string; error?: string }[];
  precheck: string;
  verification: string;
  duration_ms: number;
}

/** The outcome of an execution, as the app and the CLI both record it. */
export function outcomeFromReport(
  report: ExecutionReport,
  who: Pick<LedgerOutcome, 'pull_request' | 'merged_by' | 'approved_by' | 'executed_by' | 'via'>,
  executedAt: Date,
): LedgerOutcome {
  const steps = (list: ExecutionReport['steps']) =>
    list.map(({ api, result, error }) => ({ api, result, ...(error ? { error } : {}) }));
  return {
    status: report.status,
    ...who,
    executed_at: executedAt.toISOString(),
    operations: steps(report.steps),
    rollback: steps(report.rollback),
    precheck: report.precheck,
    verification: report.verification,
    duration_ms: report.durationMs,
  };
}

export function withOutcome(record: LedgerRecord, outcome: LedgerOutcome): string {
  const front = { ...record.front, outcome };
  const how =
    outcome.pull_request === null
      ? `, run from a terminal by ${outcome.executed_by ?? 'unknown'}`
      : `, merged by ${outcome.merged_by ?? 'unknown'}${outcome.approved_by.length ? `, approved by ${outcome.approved_by.join(', ')}` : ''} (#${outcome.pull_request})`;
  const line = `\nOutcome: ${outcome.status} on ${outcome.executed_at}${how}. ${outcome.verification}.\n`;
  return `---\n${stringify(front).trimEnd()}\n---\n${record.prose.replace(/\nOutcome: [^\n]*\n$/, '')}${line}`;
}

/** Live values before the remediation, by path: what a rollback or an undo restores. */
export function preImageOf(record: LedgerRecord): Map<string, unknown> {
  return new Map(record.front.changes.map((change) => [change.path, change.live]));
}

/**
 * What executing a record means — the app on merge and the CLI both run exactly this: a
 * revert goes from the recorded drift to no drift, an undo from no drift back to the drift,
 * and a rollback restores the live values before the record ran.
 */
export function executionPlanOf(front: LedgerFront): {
  operations: PlannedOperation[];
  before: LiveExpectation;
  after: LiveExpectation;
  preImage: Map<string, unknown>;
} {
  const isUndo = front.undo_of !== undefined;
  const drift: LiveExpectation = { kind: 'drift', fingerprint: front.drift_id };
  const clean: LiveExpectation = { kind: 'clean' };
  return {
    operations: front.planned_operations,
    before: isUndo ? clean : drift,
    after: isUndo ? drift : clean,
    preImage: new Map(
      front.changes.map((change) => [change.path, isUndo ? change.recorded : change.live]),
    ),
  };
}

/**
 * The front matter of the record that undoes an applied revert: the inverse operations,
 * newest first, from the pre-image. `/driftgate undo` commits it on an undo PR; `driftgate
 * undo` writes it beside the original.
 */
export function undoRecordFront(
  record: LedgerRecord,
  undoOf: number | string,
  date: Date,
): LedgerFront {
  const operations = inversePlan(record.front.planned_operations, preImageOf(record));
  return {
    ...record.front,
    detected_at: date.toISOString(),
    undo_of: undoOf,
    outcome: null,
    planned_operations: operations.map(({ api, params, description, inverse }) => ({
      api,
      params,
      ...(description !== undefined ? { description } : {}),
      ...(inverse
        ? {
            inverse: {
              api: inverse.api,
              params: inverse.params,
              ...(inverse.description !== undefined ? { description: inverse.description } : {}),
            },
          }
        : {}),
    })),
  };
}

/** A record's text from its front matter and prose. */
export function renderRecord(front: LedgerFront, prose: string): string {
  return `---\n${stringify(front).trimEnd()}\n---\n\n${prose}`;
}
