/** What driftgate tells people about (docs/guardrails.md#notifications). Plain data. */
import type { NotifyEvent } from '../config/schema-bounds.js';

export type Notification =
  | {
      event: 'drift';
      stack: string;
      address: string;
      tier: number;
      direction: string;
      /** The security sentence ("widening: the change opened …"), when there is one. */
      security: string | undefined;
      pullRequest: number | undefined;
    }
  | {
      event: 'flapping';
      stack: string;
      address: string;
      actors: string[];
      pullRequest: number | undefined;
    }
  | { event: 'execution'; stack: string; address: string; pullRequest: number; status: string }
  | { event: 'breaker'; stack: string; cause: string }
  | { event: 'guard'; pullRequest: number; summary: string };

export type { NotifyEvent };
