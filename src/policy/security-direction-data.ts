/**
 * Security direction of the data and entry-point families: a bucket's public access block
 * and policy, a database's public reachability. Same contract as security-direction.ts
 * (widening: live allows what the recorded code did not). Pure.
 */
import { PUBLIC_ACCESS_BLOCK_FLAGS } from '../providers/aws/s3.js';
import {
  grantsEveryone,
  normalisePolicy,
  type NormalStatement,
} from '../providers/aws/policy-document.js';
import { canonicalJson } from '../drift/canonical.js';
import type { SecurityAssessment } from './security-direction.js';

type Values = Record<string, unknown> | null;

const NEUTRAL: SecurityAssessment = {
  direction: 'neutral',
  explanation: 'the change does not alter who can reach the resource',
};

function verdict(opened: string[], closed: string[]): SecurityAssessment {
  if (opened.length && closed.length)
    return {
      direction: 'mixed',
      explanation: `the change ${opened.join(', ')} and ${closed.join(', ')}; reverting would undo both`,
    };
  if (opened.length)
    return {
      direction: 'widening',
      explanation: `the change ${opened.join(', ')}; reverting would close it`,
    };
  if (closed.length)
    return {
      direction: 'narrowing',
      explanation: `the change ${closed.join(', ')}; reverting would re-open it`,
    };
  return NEUTRAL;
}

/** A flag turned off (or the whole block removed) lets public access through. */
function publicAccessBlock(recorded: Values, live: Values): SecurityAssessment {
  const relaxed: string[] = [];
  const tightened: string[] = [];
  for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
    const before = recorded?.[flag] === true;
    const after = live?.[flag] === true;
    if (before && !after) relaxed.push(flag);
    if (!before && after) tightened.push(flag);
  }
  return verdict(
    relaxed.length
      ? [
          `${live ? 'relaxed' : 'removed'} the public access block (${relaxed.join(', ')} no longer set)`,
        ]
      : [],
    tightened.length ? [`tightened the public access block (${tightened.join(', ')})`] : [],
  );
}

function describeStatement(statement: NormalStatement): string {
  const sid =
    typeof statement.Sid === 'string' && statement.Sid ? ` ${JSON.stringify(statement.Sid)}` : '';
  const who = grantsEveryone(statement) ? ' to everyone ("Principal": "*")' : '';
  return `${String(statement.Effect)} statement${sid}${who}`;
}

/** An Allow added or a Deny removed widens; the reverse narrows. Everyone-grants first. */
function bucketPolicy(recorded: Values, live: Values): SecurityAssessment {
  const before = normalisePolicy(recorded?.policy)?.Statement ?? [];
  const after = normalisePolicy(live?.policy)?.Statement ?? [];
  const key = (statement: NormalStatement) => canonicalJson(statement);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const added = after.filter((statement) => !beforeKeys.has(key(statement)));
  const removed = before.filter((statement) => !afterKeys.has(key(statement)));
  const first = (list: NormalStatement[]) =>
    [...list].sort((a, b) => Number(grantsEveryone(b)) - Number(grantsEveryone(a)));
  const widen = first([
    ...added.filter((s) => s.Effect === 'Allow'),
    ...removed.filter((s) => s.Effect === 'Deny'),
  ]);
  const narrow = first([
    ...added.filter((s) => s.Effect === 'Deny'),
    ...removed.filter((s) => s.Effect === 'Allow'),
  ]);
  const said = (verb: (s: NormalStatement) => string, list: NormalStatement[]) =>
    list.length
      ? [
          `${verb(list[0]!)} ${describeStatement(list[0]!)}${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}`,
        ]
      : [];
  const verb = (s: NormalStatement) => (added.includes(s) ? 'added an' : 'removed a');
  return verdict(said(verb, widen), said(verb, narrow));
}

function database(recorded: Values, live: Values): SecurityAssessment {
  if (!live) return NEUTRAL;
  const before = recorded?.publicly_accessible === true;
  const after = live.publicly_accessible === true;
  if (!before && after) return verdict(['made the database publicly accessible'], []);
  if (before && !after) return verdict([], ['made the database private']);
  return NEUTRAL;
}

/** The assessment for a data-family type, or null for a type this module does not know. */
export function assessDataChange(
  type: string,
  recorded: unknown,
  live: unknown,
): SecurityAssessment | null {
  const values = (value: unknown): Values =>
    value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  switch (type) {
    case 'aws_s3_bucket_public_access_block':
      return publicAccessBlock(values(recorded), values(live));
    case 'aws_s3_bucket_policy':
      return bucketPolicy(values(recorded), values(live));
    case 'aws_db_instance':
      return database(values(recorded), values(live));
    default:
      return null;
  }
}
