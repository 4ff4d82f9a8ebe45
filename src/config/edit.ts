/**
 * Small, comment-preserving edits to `.github/driftgate.yml` (the `yaml` library's
 * document model keeps comments, key order and quoting). Every edit is validated by the
 * real schema before anyone sees it.
 */
import { isSeq, parseDocument } from 'yaml';
import { DriftgateError } from '../errors.js';
import { CONFIG_PATH, parseConfig } from './load.js';
import type { IgnoreRuleConfig } from './schema.js';

/** The config text with one more `ignore` rule at the end of the list. */
export function addIgnoreRule(text: string, rule: IgnoreRuleConfig): string {
  // Validate first: never build on a config that is already broken.
  parseConfig(text, CONFIG_PATH);
  const document = parseDocument(text);
  const plain = Object.fromEntries(
    Object.entries(rule).filter(([, value]) => value !== undefined),
  ) as Record<string, unknown>;
  const existing = document.get('ignore', true);
  if (isSeq(existing) && existing.items.length > 0) {
    existing.add(document.createNode(plain));
  } else {
    const list = document.createNode([plain]);
    list.flow = false;
    document.set('ignore', list);
  }
  const next = document.toString({ lineWidth: 0, flowCollectionPadding: false });
  try {
    parseConfig(next, CONFIG_PATH);
  } catch (error) {
    throw new DriftgateError(
      `adding the ignore rule would make ${CONFIG_PATH} invalid: ${(error as Error).message}`,
      { file: CONFIG_PATH },
      'add the rule by hand',
    );
  }
  return next;
}
