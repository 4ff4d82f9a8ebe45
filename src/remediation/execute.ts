/**
 * Executing a remediation safely: pre-check, apply, verify, roll back. The orchestration is
 * pure over two ports — `detect` (what is the drift on this resource now?) and `send` (one
 * AWS operation) — so the CLI, the app and the tests run exactly the same steps.
 *
 * Live state is described by the drift it shows against the code: `clean`, or a drift with
 * a fingerprint. A revert expects the drift recorded in the PR before and `clean` after; an
 * undo expects the reverse. Anything else before: apply nothing. Anything else after, or a
 * failed operation: undo every applied operation, newest first, and check live is back.
 */
import type { Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import { describeOperation } from './describe.js';

export interface PlannedOperation {
  api: string;
  params: Record<string, unknown>;
  description?: string | undefined;
  command?: string | undefined;
  /** Set by the planner when it knows the exact inverse (routes, descriptions). */
  inverse?:
    { api: string; params: Record<string, unknown>; description?: string | undefined } | undefined;
}

export type LiveExpectation = { kind: 'clean' } | { kind: 'drift'; fingerprint: string };

export interface ExecutionPorts {
  /** The drift on the resource now (undefined: live equals the code). */
  detect(): Promise<Drift | undefined>;
  send(operation: PlannedOperation): Promise<void>;
  now?(): number;
}

export interface StepResult {
  api: string;
  description: string;
  result: 'ok' | 'failed';
  error?: string;
  ms: number;
}

export type ExecutionStatus =
  /** Applied and verified. */
  | 'applied'
  /** Live already looked like the goal: nothing to apply. */
  | 'nothing-to-do'
  /** Live had changed since the PR was opened: nothing applied. */
  | 'precheck-failed'
  /** An operation failed or verification did not hold: rolled back to the pre-image. */
  | 'rolled-back'
  /** Rolling back failed too: a person must look now. */
  | 'rollback-failed';

export interface ExecutionReport {
  status: ExecutionStatus;
  steps: StepResult[];
  rollback: StepResult[];
  /** One sentence each for the pre-check and the verification. */
  precheck: string;
  verification: string;
  durationMs: number;
}

export function describeLive(drift: Drift | undefined): string {
  return drift ? `drift ${drift.fingerprint}` : 'no drift (live equals the code)';
}

function matches(drift: Drift | undefined, expectation: LiveExpectation): boolean {
  return expectation.kind === 'clean'
    ? drift === undefined
    : drift?.fingerprint === expectation.fingerprint;
}

function describeExpectation(expectation: LiveExpectation): string {
  return expectation.kind === 'clean' ? 'no drift' : `drift ${expectation.fingerprint}`;
}

const RULE_INVERSES: Record<string, string> = {
  AuthorizeSecurityGroupIngress: 'RevokeSecurityGroupIngress',
  RevokeSecurityGroupIngress: 'AuthorizeSecurityGroupIngress',
  AuthorizeSecurityGroupEgress: 'RevokeSecurityGroupEgress',
  RevokeSecurityGroupEgress: 'AuthorizeSecurityGroupEgress',
};

/**
 * The operation that undoes `operation`, given the live values before it ran (the
 * pre-image, by attribute path: `tags.Owner`, `enable_dns_support`).
 */
export function inverseOperation(
  operation: PlannedOperation,
  preImage: ReadonlyMap<string, unknown>,
): PlannedOperation[] {
  const { api, params } = operation;
  if (operation.inverse)
    return [
      {
        api: operation.inverse.api,
        params: operation.inverse.params,
        // Said from the call itself: an undo of a revoke is an authorize, and says so.
        description: describeOperation(operation.inverse.api, operation.inverse.params),
        // The inverse of the inverse is the operation itself (an undo can be rolled back).
        inverse: { api, params, description: describeOperation(api, params) },
      },
    ];
  if (RULE_INVERSES[api])
    return [
      {
        api: RULE_INVERSES[api],
        params,
        description: describeOperation(RULE_INVERSES[api], params),
        inverse: { api, params, description: describeOperation(api, params) },
      },
    ];
  if (api === 'CreateTags' || api === 'DeleteTags') {
    const resources = params.Resources as string[];
    const keys = (params.Tags as { Key: string }[]).map((tag) => tag.Key);
    const before = (key: string) => preImage.get(formatPath(['tags', key]));
    const restore = keys
      .filter((key) => before(key) != null)
      .map((key) => ({ Key: key, Value: String(before(key)) }));
    const remove = keys.filter((key) => before(key) == null).map((Key) => ({ Key }));
    return [
      ...(restore.length
        ? [
            {
              api: 'CreateTags',
              params: { Resources: resources, Tags: restore },
              description: describeOperation('CreateTags', { Resources: resources, Tags: restore }),
            },
          ]
        : []),
      ...(remove.length
        ? [
            {
              api: 'DeleteTags',
              params: { Resources: resources, Tags: remove },
              description: describeOperation('DeleteTags', { Resources: resources, Tags: remove }),
            },
          ]
        : []),
    ];
  }
  if (/^Modify(Vpc|Subnet|Instance)Attribute$/.test(api)) {
    // One boolean attribute per call, as the planner writes them: flip it back.
    const [attribute, value] = Object.entries(params).find(
      ([key]) => !/^(VpcId|SubnetId|InstanceId)$/.test(key),
    ) as [string, { Value: unknown }];
    const flipped = { ...params, [attribute]: { Value: !value.Value } };
    return [{ api, params: flipped, description: describeOperation(api, flipped) }];
  }
  throw new Error(`no inverse known for ${api}`);
}

/** The operations that undo a whole executed plan, newest first. */
export function inversePlan(
  operations: readonly PlannedOperation[],
  preImage: ReadonlyMap<string, unknown>,
): PlannedOperation[] {
  return [...operations].reverse().flatMap((operation) => inverseOperation(operation, preImage));
}

async function run(
  ports: ExecutionPorts,
  operations: readonly PlannedOperation[],
  clock: () => number,
): Promise<{ steps: StepResult[]; applied: PlannedOperation[]; failed: boolean }> {
  const steps: StepResult[] = [];
  const applied: PlannedOperation[] = [];
  for (const operation of operations) {
    const started = clock();
    try {
      await ports.send(operation);
      applied.push(operation);
      steps.push({
        api: operation.api,
        description: operation.description ?? operation.api,
        result: 'ok',
        ms: clock() - started,
      });
    } catch (error) {
      steps.push({
        api: operation.api,
        description: operation.description ?? operation.api,
        result: 'failed',
        error: (error as Error).message,
        ms: clock() - started,
      });
      return { steps, applied, failed: true };
    }
  }
  return { steps, applied, failed: false };
}

export async function execute(
  plan: {
    operations: readonly PlannedOperation[];
    before: LiveExpectation;
    after: LiveExpectation;
    /** Live values before the plan runs, by path: what a rollback restores. */
    preImage: ReadonlyMap<string, unknown>;
    /** When `before` was seen, for the pre-check's message (default: the PR was opened). */
    since?: string | undefined;
  },
  ports: ExecutionPorts,
): Promise<ExecutionReport> {
  const clock = ports.now ?? (() => Date.now());
  const started = clock();
  const finish = (report: Omit<ExecutionReport, 'durationMs'>): ExecutionReport => ({
    ...report,
    durationMs: clock() - started,
  });

  const current = await ports.detect();
  if (matches(current, plan.after))
    return finish({
      status: 'nothing-to-do',
      steps: [],
      rollback: [],
      precheck: `live already shows ${describeLive(current)}: nothing to apply`,
      verification: 'not needed',
    });
  if (!matches(current, plan.before))
    return finish({
      status: 'precheck-failed',
      steps: [],
      rollback: [],
      precheck: `live changed since ${plan.since ?? 'the PR was opened'}: expected ${describeExpectation(plan.before)}, found ${describeLive(current)}; nothing applied`,
      verification: 'not run',
    });
  const precheck = `live still shows ${describeExpectation(plan.before)}, as recorded`;

  const { steps, applied, failed } = await run(ports, plan.operations, clock);
  let verification: string;
  if (!failed) {
    const after = await ports.detect();
    if (matches(after, plan.after))
      return finish({
        status: 'applied',
        steps,
        rollback: [],
        precheck,
        verification: `verified: live now shows ${describeExpectation(plan.after)}`,
      });
    verification = `verification failed: expected ${describeExpectation(plan.after)}, found ${describeLive(after)}`;
  } else {
    verification = `operation ${steps.at(-1)!.api} failed: ${steps.at(-1)!.error}`;
  }

  // Roll back what was applied, newest first, and check live is back to the pre-image.
  let inverse: PlannedOperation[];
  try {
    inverse = inversePlan(applied, plan.preImage);
  } catch (error) {
    return finish({
      status: 'rollback-failed',
      steps,
      rollback: [],
      precheck,
      verification: `${verification}; cannot roll back: ${(error as Error).message}`,
    });
  }
  const rollback = await run(ports, inverse, clock);
  const restored = rollback.failed ? undefined : await ports.detect();
  const back = !rollback.failed && matches(restored, plan.before);
  return finish({
    status: back ? 'rolled-back' : 'rollback-failed',
    steps,
    rollback: rollback.steps,
    precheck,
    verification: `${verification}; ${back ? `rolled back: live shows ${describeExpectation(plan.before)} again` : `ROLLBACK INCOMPLETE: live shows ${rollback.failed ? 'an unknown state' : describeLive(restored)}`}`,
  });
}
