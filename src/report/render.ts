/**
 * Scan reports for people (text, markdown) and machines (JSON, the contract in
 * docs/architecture.md). Values are already masked by the drift model.
 */
import { attributionSkippedText, type AttributeChange, type Drift } from '../drift/model.js';
import { describeSetElement, describeSetElementChange } from './set-element.js';
import { formatPath } from '../terraform/path.js';
import { inlineCode, plainText, tableCell } from './markdown.js';
import { countDrifts, type ScanReport, type StackReport } from './model.js';

export function driftToJson(drift: Drift): Record<string, unknown> {
  return {
    address: drift.address,
    type: drift.type,
    action: drift.action,
    fingerprint: drift.fingerprint,
    changes: drift.changes.map((change) => ({
      path: formatPath(change.path),
      ...(change.setElement ? { set_element: change.setElement } : {}),
      recorded: change.recorded,
      live: change.live,
      ...(change.sensitive ? { sensitive: true } : {}),
    })),
    attribution: drift.attribution,
    ...(drift.attributionSkipped ? { attribution_skipped: drift.attributionSkipped } : {}),
    tier: drift.tier,
    tier_reason: drift.tierReason,
    direction: drift.direction,
    direction_reason: drift.directionReason,
    security: drift.security,
    source: drift.source,
    cause: drift.cause ?? null,
    cause_reason: drift.causeReason ?? null,
    ...(drift.precedent ? { precedent: drift.precedent } : {}),
  };
}

function stackToJson(stack: StackReport): Record<string, unknown> {
  return {
    name: stack.name,
    dir: stack.dir,
    environment: stack.environment,
    source: stack.source,
    drifts: stack.drifts.map(driftToJson),
    not_scanned: stack.notScanned,
    warnings: stack.warnings,
    stats: { api_calls: stack.apiCalls },
  };
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(
    {
      generated_at: report.generatedAt,
      drift_count: countDrifts(report),
      stacks: report.stacks.map(stackToJson),
    },
    null,
    2,
  )}\n`;
}

/**
 * A change as table cells (attribute, recorded, live): a whole set element is named by
 * its content (`+ ingress` | `(absent)` | `{tcp/22 from 0.0.0.0/0}`), never by an index.
 */
export function changeCells(change: AttributeChange): [string, string, string] {
  if (change.setElement) {
    const sign = change.setElement === 'added' ? '+' : '-';
    const side = (value: unknown) => (value === null ? '(absent)' : describeSetElement(value));
    return [`${sign} ${formatPath(change.path)}`, side(change.recorded), side(change.live)];
  }
  return [formatPath(change.path), formatValue(change.recorded), formatValue(change.live)];
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(absent)';
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value);
}

function summaryLine(report: ScanReport): string {
  const drifts = countDrifts(report);
  const stacks = report.stacks.length;
  const stackWord = stacks === 1 ? 'stack' : 'stacks';
  if (drifts === 0) {
    return stacks === 1
      ? 'No drift: 1 stack matches its recorded state.'
      : `No drift: ${stacks} stacks match their recorded state.`;
  }
  const resources = drifts === 1 ? 'resource has' : 'resources have';
  return `Drift: ${drifts} ${resources} changed outside Terraform in ${stacks} ${stackWord}.`;
}

function tierText(drift: Drift): string {
  return drift.tier
    ? `tier ${drift.tier}${drift.tierReason ? ` (${drift.tierReason})` : ''}`
    : 'tier —';
}

export function renderText(report: ScanReport): string {
  const lines = [summaryLine(report)];
  for (const stack of report.stacks) {
    lines.push(
      '',
      `Stack ${stack.name} (${stack.dir}, ${stack.environment}), from ${stack.source === 'plan' ? 'plan JSON' : 'live AWS scan'}:`,
    );
    if (stack.drifts.length === 0) lines.push('  no drift');
    for (const drift of stack.drifts) {
      const verb =
        drift.action === 'delete' ? 'deleted outside Terraform' : 'changed outside Terraform';
      lines.push(`  ~ ${drift.address}  ${verb}  [${tierText(drift)}; ${drift.fingerprint}]`);
      if (drift.attribution) {
        const a = drift.attribution;
        lines.push(`      by ${a.actor} at ${a.time} (${a.eventName}, via ${a.via})`);
      } else if (drift.attributionSkipped === 'off') {
        lines.push(`      by: ${attributionSkippedText('off')}`);
      }
      if (drift.cause)
        lines.push(
          `      cause: ${drift.cause}${drift.causeReason ? ` (${drift.causeReason})` : ''}`,
        );
      for (const change of drift.changes) {
        lines.push(
          change.setElement
            ? `      ${describeSetElementChange(change)}`
            : `      ${formatPath(change.path)}: ${formatValue(change.recorded)} → ${formatValue(change.live)}`,
        );
      }
      if (drift.security && drift.security.direction !== 'neutral') {
        lines.push(`      security: ${drift.security.direction}: ${drift.security.explanation}`);
      }
      if (drift.direction)
        lines.push(`      proposed: ${drift.direction} (${drift.directionReason})`);
    }
    for (const item of stack.notScanned)
      lines.push(`  ? ${item.address} not scanned: ${item.reason}`);
    for (const warning of stack.warnings) lines.push(`  ! ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(report: ScanReport): string {
  const lines = [`## driftgate scan`, '', summaryLine(report)];
  for (const stack of report.stacks) {
    lines.push(
      '',
      `### Stack ${inlineCode(stack.name)} (${inlineCode(stack.dir)}, ${plainText(stack.environment)})`,
      '',
    );
    if (stack.drifts.length === 0) lines.push('No drift.');
    for (const drift of stack.drifts) {
      lines.push(
        `#### ${inlineCode(drift.address)} ${drift.action === 'delete' ? 'deleted' : 'changed'} outside Terraform`,
        '',
        `${plainText(tierText(drift))} · fingerprint ${inlineCode(drift.fingerprint)}`,
        '',
      );
      if (!drift.attribution && drift.attributionSkipped === 'off') {
        lines.push(`Who: ${attributionSkippedText('off')}.`, '');
      }
      if (drift.cause)
        lines.push(
          `Cause: **${plainText(drift.cause)}** — ${plainText(drift.causeReason ?? '')}.`,
          '',
        );
      if (drift.security && drift.security.direction !== 'neutral') {
        lines.push(
          `**Security: ${plainText(drift.security.direction)}.** ${plainText(drift.security.explanation)}.`,
          '',
        );
      }
      if (drift.direction)
        lines.push(
          `Proposed: **${plainText(drift.direction)}** — ${plainText(drift.directionReason ?? '')}.`,
          '',
        );
      if (drift.changes.length) {
        lines.push('| Attribute | Recorded | Live |', '| --- | --- | --- |');
        for (const change of drift.changes) {
          const [attribute, recorded, live] = changeCells(change);
          lines.push(
            `| ${tableCell(inlineCode(attribute))} | ${tableCell(inlineCode(recorded))} | ${tableCell(inlineCode(live))} |`,
          );
        }
        lines.push('');
      }
    }
    if (stack.notScanned.length) {
      lines.push(
        '',
        '**Not scanned:**',
        ...stack.notScanned.map(
          (item) => `- ${inlineCode(item.address)}: ${plainText(item.reason)}`,
        ),
      );
    }
    if (stack.warnings.length)
      lines.push('', ...stack.warnings.map((warning) => `> ${plainText(warning)}`));
  }
  return `${lines.join('\n')}\n`;
}
