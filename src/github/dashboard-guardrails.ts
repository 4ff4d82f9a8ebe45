/**
 * The dashboard's guardrails section: circuit breakers, executions waiting for an hourly cap
 * or a breaker, and flapping drifts. Kept in the dashboard's hidden record beside the stack
 * rows (a scan keeps it as it was), rendered here. Pure.
 */
import { z } from 'zod';
import { inlineCode, plainText, tableCell } from '../report/markdown.js';

export const guardrailsSchema = z.object({
  breakers: z.array(
    z.object({
      stack: z.string(),
      state: z.enum(['open', 'closed']),
      at: z.string(),
      cause: z.string(),
      pullRequest: z.number().optional(),
      resetBy: z.string().optional(),
    }),
  ),
  waiting: z.array(
    z.object({
      stack: z.string(),
      pullRequest: z.number(),
      reason: z.string(),
      since: z.string(),
    }),
  ),
  flapping: z.array(
    z.object({
      stack: z.string(),
      address: z.string(),
      fingerprint: z.string(),
      returns: z.number(),
      actors: z.array(z.string()),
      pullRequest: z.number().optional(),
      reopenAfter: z.string().optional(),
    }),
  ),
});

export type Guardrails = z.infer<typeof guardrailsSchema>;

export const EMPTY_GUARDRAILS: Guardrails = { breakers: [], waiting: [], flapping: [] };

export function renderGuardrails(guardrails: Guardrails | undefined): string[] {
  if (!guardrails) return [];
  const { breakers, waiting, flapping } = guardrails;
  if (!breakers.length && !waiting.length && !flapping.length) return [];
  const lines = ['## Guardrails', ''];
  for (const breaker of breakers)
    lines.push(
      breaker.state === 'open'
        ? `- **Circuit breaker open** in ${inlineCode(breaker.stack)} since ${plainText(breaker.at)}: ${plainText(breaker.cause)}${breaker.pullRequest ? ` (#${breaker.pullRequest})` : ''}. Nothing is executed or self-merged there until someone with write access comments \`/driftgate resume ${breaker.stack}\` here or on a PR of the stack.`
        : `- Circuit breaker of ${inlineCode(breaker.stack)} closed at ${plainText(breaker.at)}${breaker.resetBy ? ` by ${plainText(`@${breaker.resetBy}`)}` : ''} (it had opened: ${plainText(breaker.cause)}).`,
    );
  if (waiting.length) {
    if (breakers.length) lines.push('');
    lines.push('Executions waiting:', '', '| Stack | Pull request | Waiting for | Since |');
    lines.push('| --- | --- | --- | --- |');
    for (const entry of waiting)
      lines.push(
        `| ${tableCell(inlineCode(entry.stack))} | #${entry.pullRequest} | ${tableCell(plainText(entry.reason))} | ${tableCell(plainText(entry.since))} |`,
      );
  }
  if (flapping.length) {
    if (breakers.length || waiting.length) lines.push('');
    lines.push('Flapping (no longer reverted automatically):', '');
    for (const entry of flapping)
      lines.push(
        `- ${inlineCode(entry.address)} in ${inlineCode(entry.stack)}: back ${entry.returns} time(s) after executed reverts; changed by ${entry.actors.length ? entry.actors.map((actor) => plainText(actor)).join(', ') : 'an actor CloudTrail did not name'}${entry.pullRequest ? ` · #${entry.pullRequest}` : ''}${entry.reopenAfter ? ` · re-opened no earlier than ${plainText(entry.reopenAfter)}` : ''}`,
      );
  }
  lines.push('');
  return lines;
}
