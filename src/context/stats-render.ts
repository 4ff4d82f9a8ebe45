/** Drift health as Markdown (the dashboard, `driftgate stats --format markdown`). Escaped. */
import { inlineCode, plainText, tableCell } from '../report/markdown.js';
import { CAUSES } from './cause.js';
import { formatHours, type DriftStats } from './stats.js';

export function renderStatsMarkdown(stats: DriftStats, title = '## Drift health'): string {
  const lines = [
    title,
    '',
    `From ${plainText(stats.since.slice(0, 10))} to ${plainText(stats.until.slice(0, 10))}.`,
    '',
    `By cause: ${CAUSES.map((cause) => `${cause} ${stats.by_cause[cause]}`).join(' · ')}.`,
    '',
  ];
  if (stats.stacks.length) {
    lines.push('| Stack | Remediated | Median time to remediate |', '| --- | --- | --- |');
    for (const row of stats.stacks)
      lines.push(
        `| ${tableCell(inlineCode(row.stack))} | ${row.remediated} | ${formatHours(row.median_hours_to_remediate)} |`,
      );
    lines.push('');
  } else lines.push('No remediation recorded in this window.', '');
  if (stats.recurring.length)
    lines.push(
      'Recurring: ' +
        stats.recurring
          .map(
            (entry) => `${inlineCode(entry.address)} (${inlineCode(entry.stack)}) × ${entry.count}`,
          )
          .join(', ') +
        '.',
      '',
    );
  if (stats.open.length)
    lines.push(
      'Open drift, oldest first: ' +
        stats.open
          .slice(0, 20)
          .map(
            (entry) =>
              `${inlineCode(entry.address)} (${inlineCode(entry.stack)}) ${formatHours(entry.age_hours)}`,
          )
          .join(', ') +
        '.',
      '',
    );
  return lines.join('\n');
}
