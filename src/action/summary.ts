/**
 * What a run leaves behind in the workflow: the job summary (Markdown, every value escaped
 * by report/markdown.ts), the step's outputs, and `::error::` lines for the log.
 */
import { randomBytes } from 'node:crypto';
import { countDrifts } from '../report/model.js';
import { codeBlock, inlineCode, plainText, tableCell } from '../report/markdown.js';
import { renderMarkdown } from '../report/render.js';
import type { ActionMode } from './inputs.js';
import type { ActionOutcome } from './run.js';

const ACTION_WORDS: Record<string, string> = {
  create: 'opened',
  update: 'updated',
  unchanged: 'unchanged',
  'respect-closed': 'closed by a person: not reopened',
  deferred: 'deferred: the hourly PR cap is reached',
};

export function renderSummary(outcome: ActionOutcome, mode: ActionMode): string {
  const parts = [renderMarkdown(outcome.report).trimEnd()];
  if (mode === 'propose' && outcome.pullRequests.length) {
    parts.push(
      '',
      '### Pull requests',
      '',
      '| Stack | Resource | Pull request | This run |',
      '| --- | --- | --- | --- |',
      ...outcome.pullRequests.map(
        (pull) =>
          `| ${tableCell(inlineCode(pull.stack))} | ${tableCell(inlineCode(pull.address))} | ${pull.number ? `#${pull.number}` : '—'} | ${tableCell(plainText(ACTION_WORDS[pull.action] ?? pull.action))} |`,
      ),
    );
  }
  if (mode === 'report')
    parts.push('', '_Report mode: driftgate opened, changed and closed no pull requests._');
  for (const stack of outcome.reportByConfig)
    parts.push(
      '',
      `_Stack ${inlineCode(stack)} is in \`report\` mode in its config: driftgate opened, changed and closed no pull requests for it._`,
    );
  for (const error of outcome.errors)
    parts.push(
      '',
      `### Stack ${inlineCode(error.stack)} could not be scanned`,
      '',
      codeBlock(error.message),
    );
  return `${parts.join('\n')}\n`;
}

/** A fatal error as the summary shows it. */
export function renderFailure(message: string): string {
  return `## driftgate\n\ndriftgate could not run: no pull request was opened, changed or closed.\n\n${codeBlock(message)}\n`;
}

/** Step outputs in the runner's file format (a random delimiter: values cannot end the block). */
export function renderOutputs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      const delimiter = `driftgate_${randomBytes(12).toString('hex')}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

export function outputsOf(outcome: ActionOutcome, reportPath: string): Record<string, string> {
  const numbers = [
    ...new Set(outcome.pullRequests.flatMap((pull) => (pull.number ? [pull.number] : []))),
  ].sort((a, b) => a - b);
  return {
    'drift-count': String(countDrifts(outcome.report)),
    report: reportPath,
    'pull-requests': JSON.stringify(numbers),
  };
}

/** A workflow command's message: `%`, CR and LF escaped as the runner expects. */
export function workflowError(message: string): string {
  return `::error title=driftgate::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
}
