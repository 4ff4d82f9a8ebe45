/**
 * Drills: one safe, recorded drift for a learner to find and fix by hand — a tag on a
 * tier-1 resource, nothing that changes what the resource does — and its score. Pure:
 * which resource, whether a drill is allowed, and the score; the CLI does the I/O.
 */
import { z } from 'zod';
import type { TierDecision, TierSubject } from '../policy/tiers.js';
import type { StateInstance } from '../terraform/state.js';

/** Types a tag can be put on with ec2:CreateTags, and whose id the state records. */
const TAGGABLE = ['aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_route_table', 'aws_instance'];

export const DRILL_TAG = 'driftgate-drill';

export const drillRecordSchema = z
  .object({
    drill: z.literal(1),
    stack: z.string(),
    address: z.string(),
    resource_id: z.string().regex(/^[a-z]+-[0-9a-f]+$/),
    tag_key: z.literal(DRILL_TAG),
    tag_value: z.string().regex(/^[0-9a-f]{8}$/),
    started_at: z.iso.datetime(),
    region: z.string(),
  })
  .strict();
export type DrillRecord = z.infer<typeof drillRecordSchema>;

export type DrillTarget =
  { ok: true; instance: StateInstance; resourceId: string } | { ok: false; reason: string };

/**
 * The resource a drill changes: the first taggable tier-1 resource of the stack. Refused
 * when the stack has no apply role (a drill writes, as a remediation would) or no tier-1
 * taggable resource (tier 2 and 3 drift is never for practice).
 */
export function chooseDrillTarget(input: {
  stack: string;
  environment: string;
  applyRole: string | undefined;
  instances: readonly StateInstance[];
  decideTier: (subject: TierSubject) => TierDecision;
}): DrillTarget {
  if (!input.applyRole)
    return {
      ok: false,
      reason: `stack ${input.stack} has no aws.apply_role: a drill changes live state and runs only with the stack's apply role`,
    };
  let strictest: TierDecision | undefined;
  for (const instance of input.instances) {
    if (!TAGGABLE.includes(instance.type)) continue;
    const id = instance.attributes.id;
    if (typeof id !== 'string' || !id) continue;
    const decision = input.decideTier({
      stack: input.stack,
      environment: input.environment,
      address: instance.address,
      type: instance.type,
      // A drill is made by a person on purpose; rules on `manual` apply to it.
      cause: 'manual',
    });
    if (decision.tier === 1) return { ok: true, instance, resourceId: id };
    if (!strictest || decision.tier < strictest.tier) strictest = decision;
  }
  return {
    ok: false,
    reason: strictest
      ? `drills run only on tier-1 resources; stack ${input.stack} is tier ${strictest.tier} (${strictest.reason})`
      : `stack ${input.stack} has no resource a drill can tag (${TAGGABLE.join(', ')})`,
  };
}

export interface DrillScore {
  address: string;
  found: boolean;
  fixed: boolean;
  minutes: number;
  score: number;
}

/** One point for naming the drifted resource, one for fixing it by hand; the time is the time taken. */
export function scoreDrill(
  record: DrillRecord,
  check: { answer: string | undefined; tagStillLive: boolean; now: Date },
): DrillScore {
  const found = check.answer === record.address;
  const fixed = !check.tagStillLive;
  return {
    address: record.address,
    found,
    fixed,
    minutes: Math.round((check.now.getTime() - Date.parse(record.started_at)) / 60_000),
    score: Number(found) + Number(fixed),
  };
}
