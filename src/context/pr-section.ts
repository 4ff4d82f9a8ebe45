/**
 * The PR body's context lines: why the drift happened, and what the team decided on
 * similar drifts before (with links to those PRs). Every value is escaped.
 */
import type { Drift } from '../drift/model.js';
import { plainText } from '../report/markdown.js';
import { summarisePrecedent } from './precedent.js';

export function contextSection(drift: Drift): string[] {
  const lines: string[] = [];
  if (drift.cause)
    lines.push('', `**Cause: ${plainText(drift.cause)}** — ${plainText(drift.causeReason ?? '')}.`);
  if (drift.precedent) {
    const links = drift.precedent.decisions
      .slice(0, 10)
      .map((decision) =>
        decision.pullRequest !== null
          ? `#${decision.pullRequest} (${decision.direction})`
          : `${plainText(decision.detectedAt.slice(0, 10))} (${decision.direction}, from a terminal)`,
      );
    lines.push(
      '',
      '### Precedent',
      '',
      `${plainText(summarisePrecedent(drift.precedent))} — ${links.join(', ')}.`,
    );
  }
  return lines;
}
