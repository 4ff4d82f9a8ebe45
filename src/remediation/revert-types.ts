/** The revert plan's shapes, shared by the planner and its per-family modules. */
import type { AttributeChange } from '../drift/model.js';

export interface RevertOperation {
  api: string;
  params: Record<string, unknown>;
  /** One line for the PR: what the operation does. */
  description: string;
  /** The equivalent `aws` CLI command, every value quoted, with `--region`. */
  command: string;
  /**
   * The operation that takes this one back, when the planner knows it (it sees both sides);
   * rollback and undo use it. Otherwise it is derived from the API and the pre-image.
   */
  inverse?: { api: string; params: Record<string, unknown>; description: string };
}

export interface RevertPlan {
  operations: RevertOperation[];
  /** Changes driftgate will not revert by API, with the reason (tier 3 behaviour). */
  refusals: { path: string; reason: string }[];
  /** What `terraform` would do instead, for the "do it by hand" section (quoted). */
  terraformCommands: string[];
}

/** What the planner knows about the drifted resource besides the drift. */
export interface RevertTarget {
  /** The AWS id of the drifted resource (`sg-…`, `rtb-…`, `sgr-…`). */
  id: string;
  /** Its attributes in the recorded state (a rule resource's group id, its full rule). */
  attributes?: Record<string, unknown> | undefined;
  /** The stack's region: every printed `aws` command carries it. */
  region?: string | undefined;
}

/**
 * The whole set element (a rule block, a route) before and after a change: from the
 * change's element context, or the change itself when it is the element (an added or removed
 * element, `setElement`, or `route[1]`).
 */
export function elementSides(
  change: AttributeChange,
): { before: unknown; after: unknown } | undefined {
  if (change.element) return { before: change.element.recorded, after: change.element.live };
  if (change.setElement) return { before: change.recorded, after: change.live };
  if (change.path.length === 2) return { before: change.recorded, after: change.live };
  return undefined;
}
