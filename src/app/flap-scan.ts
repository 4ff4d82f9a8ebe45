/**
 * The bounds a scan applies to one stack (docs/guardrails.md): an open circuit breaker arms
 * no GitHub auto-merge; a drift back after an executed revert gets a PR again; a flapping
 * drift is proposed as codify (or ignored), labelled, never tier 1, its re-opening backed
 * off; and what happened is collected for the scan's one notification.
 */
import type { AwsSession } from '../cloud/aws/session.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Drift } from '../drift/model.js';
import type { ReconcileAction } from '../github/reconcile.js';
import type { Guardrails } from '../github/dashboard-guardrails.js';
import type { GitHubRepository } from '../github/repository.js';
import type { JobLayer } from '../jobs/job-layer.js';
import type { Notification } from '../notify/events.js';
import { asFlapping, LABEL_FLAPPING, type FlapVerdict } from '../policy/flap.js';
import type { TerraformState } from '../terraform/state.js';
import { readBreaker } from './breaker.js';
import { actorsOverWindow, flapVerdictFor, flappingSection } from './flap.js';

interface FlapInfo {
  stack: string;
  address: string;
  fingerprint: string;
  verdict: FlapVerdict;
  actors: string[];
  section: string;
  pullRequest?: number;
}

export class ScanBounds {
  readonly openBreakers = new Set<string>();
  /** Drifts back after executed reverts, by stack and address: their returns. */
  private readonly returned = new Map<string, FlapVerdict>();
  readonly flapping = new Map<string, FlapInfo>();
  readonly notifications: Notification[] = [];
  readonly scannedStacks = new Set<string>();

  constructor(
    private readonly jobs: JobLayer,
    private readonly github: GitHubRepository,
    private readonly config: DriftgateConfig,
    private readonly now: Date,
  ) {}

  private key(stack: string, address: string): string {
    return `${stack}\n${address}`;
  }

  /** Before reconcile: the breaker, and each drift's flap verdict (a flapping drift changed). */
  async prepare(
    stackConfig: StackConfig,
    drifts: Drift[],
    chosenByPerson: ReadonlySet<string>,
    state: TerraformState,
    session: AwsSession,
  ): Promise<Drift[]> {
    this.scannedStacks.add(stackConfig.name);
    if ((await readBreaker(this.github, stackConfig.name)).state === 'open')
      this.openBreakers.add(stackConfig.name);
    const out: Drift[] = [];
    for (const drift of drifts) {
      const verdict = await flapVerdictFor(this.jobs, this.github, this.config, drift, this.now);
      if (verdict.returns > 0) this.returned.set(this.key(drift.stack, drift.address), verdict);
      if (!verdict.flapping) {
        out.push(drift);
        continue;
      }
      const actors = await actorsOverWindow(this.config, session, state, drift, this.now);
      this.flapping.set(this.key(drift.stack, drift.address), {
        stack: drift.stack,
        address: drift.address,
        fingerprint: drift.fingerprint,
        verdict,
        actors: actors.actors,
        section: flappingSection(drift, verdict, actors, this.config.flapping.window_hours),
      });
      // A direction a person chose by command still wins; the tier floor does not move down.
      const flapped = asFlapping(drift, verdict);
      out.push(chosenByPerson.has(drift.address) ? { ...drift, tier: flapped.tier } : flapped);
    }
    return out;
  }

  /**
   * After reconcile: a merged PR for this very drift whose revert was executed, and the drift
   * is back, gets a new PR (a re-open); a flapping drift's re-open waits out its back-off,
   * and with `flapping.direction: ignore` gets none. Returns the actions and those held back.
   */
  adjust(actions: ReconcileAction[]): { actions: ReconcileAction[]; heldBack: Set<Drift> } {
    const heldBack = new Set<Drift>();
    const adjusted = actions.map((action): ReconcileAction => {
      if (action.kind === 'close') return action;
      const key = this.key(action.drift.stack, action.drift.address);
      let next = action;
      if (action.kind === 'unchanged' && action.pullRequest.merged && this.returned.has(key))
        next = { kind: 'create', drift: action.drift, branch: action.pullRequest.branch };
      const flap = this.flapping.get(key);
      if (flap && next.kind === 'create') {
        const after = flap.verdict.reopenAfterMs;
        if (
          this.config.flapping.direction === 'ignore' ||
          (after !== undefined && this.now.getTime() < after)
        )
          heldBack.add(next.drift);
      }
      return next;
    });
    return { actions: adjusted, heldBack };
  }

  /** A PR for a flapping drift carries the label and says who keeps changing it. */
  decorate<T extends { labels: string[]; body: string }>(drift: Drift, pr: T): T {
    const flap = this.flapping.get(this.key(drift.stack, drift.address));
    if (!flap) return pr;
    return { ...pr, labels: [...pr.labels, LABEL_FLAPPING], body: `${pr.body}\n\n${flap.section}` };
  }

  mayArmAutoMerge(stack: string): boolean {
    return !this.openBreakers.has(stack);
  }

  /** What the scan did with one drift, for the notification. */
  noteOutcome(action: ReconcileAction, kind: string, pullRequest: number | undefined): void {
    if (action.kind === 'close') return;
    const drift = action.drift;
    const flap = this.flapping.get(this.key(drift.stack, drift.address));
    if (flap) flap.pullRequest = pullRequest;
    if (kind === 'create' || kind === 'deferred')
      this.notifications.push({
        event: 'drift',
        stack: drift.stack,
        address: drift.address,
        tier: drift.tier ?? 2,
        direction: drift.direction ?? 'revert',
        security:
          drift.security && drift.security.direction !== 'neutral'
            ? `${drift.security.direction}: ${drift.security.explanation}`
            : undefined,
        pullRequest,
      });
    if (flap && (kind === 'create' || kind === 'update'))
      this.notifications.push({
        event: 'flapping',
        stack: drift.stack,
        address: drift.address,
        actors: flap.actors,
        pullRequest,
      });
  }

  /** The dashboard's flapping list: this scan's stacks replaced, the others kept. */
  guardrails(previous: Guardrails): Guardrails {
    return {
      ...previous,
      flapping: [
        ...previous.flapping.filter((entry) => !this.scannedStacks.has(entry.stack)),
        ...[...this.flapping.values()].map((flap) => ({
          stack: flap.stack,
          address: flap.address,
          fingerprint: flap.fingerprint,
          returns: flap.verdict.returns,
          actors: flap.actors,
          ...(flap.pullRequest ? { pullRequest: flap.pullRequest } : {}),
          ...(flap.verdict.reopenAfterMs !== undefined &&
          this.now.getTime() < flap.verdict.reopenAfterMs
            ? { reopenAfter: new Date(flap.verdict.reopenAfterMs).toISOString() }
            : {}),
        })),
      ],
    };
  }
}
