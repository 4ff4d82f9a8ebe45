/**
 * Golden tests: for each case in test/fixtures/codify/<case>/, codifying drift.json into
 * before/ must give exactly after/ — byte for byte, comments and formatting included —
 * and codifying again must change nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codifyDrifts, type SourceFile } from '../../src/remediation/codify/codify.js';
import type { Drift } from '../../src/drift/model.js';
import { buildStack } from '../../src/terraform/stack.js';
import { literalValueOf } from '../../src/terraform/hcl-syntax.js';

const ROOT = 'test/fixtures/codify';

function readFiles(dir: string): SourceFile[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ path: name, text: readFileSync(join(dir, name), 'utf8') }));
}

function driftOf(dir: string): Drift {
  const raw = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8'));
  return {
    stack: 'golden',
    action: 'update',
    fingerprint: 'golden',
    source: 'plan',
    attribution: null,
    tier: null,
    tierReason: null,
    direction: 'codify',
    directionReason: null,
    security: null,
    ...raw,
    changes: raw.changes.map((change: object) => ({ sensitive: false, ...change })),
  };
}

describe('codify golden cases', () => {
  for (const name of readdirSync(ROOT).sort()) {
    const dir = join(ROOT, name);
    it(name, async () => {
      const before = readFiles(join(dir, 'before'));
      const expected = readFiles(join(dir, 'after'));
      const drift = driftOf(dir);
      const outcome = await codifyDrifts('.', before, [drift]);
      expect(outcome.refused).toEqual([]);
      expect(Object.fromEntries(outcome.after)).toEqual(
        Object.fromEntries(expected.map((file) => [file.path, file.text])),
      );

      // Idempotent: the same drift against the codified code plans no edit.
      const again = await codifyDrifts('.', expected, [drift]);
      expect(again.refused).toEqual([]);
      expect(Object.fromEntries(again.after)).toEqual(Object.fromEntries(again.before));
    });
  }

  it('leaves code that now says the live values (re-read with the HCL reader)', async () => {
    const dir = join(ROOT, 'tags-map');
    const outcome = await codifyDrifts('.', readFiles(join(dir, 'before')), [driftOf(dir)]);
    const stack = await buildStack('.', [{ path: 'main.tf', text: outcome.after.get('main.tf')! }]);
    const tags = stack.resources[0]!.block.attributes.find((a) => a.name === 'tags')!;
    expect(literalValueOf(tags.value)).toEqual({
      Name: 'main',
      Owner: 'team-b',
      CostCenter: 'cc-1234',
    });
  });
});
