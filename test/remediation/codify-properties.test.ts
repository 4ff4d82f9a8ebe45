import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codifyDrifts } from '../../src/remediation/codify/codify.js';
import { alignEquals, renderKey, renderValue } from '../../src/remediation/codify/hcl-format.js';
import type { Drift } from '../../src/drift/model.js';
import { aDrift } from '../support/drift-builder.js';
import { formatHcl, formatterName } from '../support/formatter.js';
import { parseHcl } from '../../src/terraform/hcl-syntax.js';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 100000 }),
  fc.boolean(),
);
const attributes = fc.uniqueArray(fc.tuple(name, scalar), {
  minLength: 1,
  maxLength: 6,
  selector: ([key]) => key,
});
const tags = fc.dictionary(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9:._-]{0,10}$/),
  fc.string({ maxLength: 10 }),
  { maxKeys: 4 },
);

function render(
  attrs: [string, string | number | boolean][],
  tagMap: Record<string, string>,
): string {
  const lines = alignEquals(
    attrs.map(([key, value]) => `  ${renderKey(key)} = ${renderValue(value)}`),
  );
  const tagBlock = Object.keys(tagMap).length ? `\n  tags = ${renderValue(tagMap, '  ')}\n` : '';
  return `# generated\nresource "aws_instance" "x" {\n${lines.join('\n')}\n${tagBlock}}\n`;
}

function noOpDrift(attrs: [string, unknown][], tagMap: Record<string, string>): Drift {
  return aDrift('aws_instance.x', [
    ...attrs.map(([key, value]) => ({ path: [key], recorded: 'something else', live: value })),
    ...Object.entries(tagMap).map(([key, value]) => ({
      path: ['tags', key],
      recorded: null,
      live: value,
    })),
  ]);
}

describe('codify properties', () => {
  it('a drift whose live values the code already says leaves every byte unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(attributes, tags, async (attrs, tagMap) => {
        const text = render(attrs, tagMap);
        const outcome = await codifyDrifts(
          '.',
          [{ path: 'main.tf', text }],
          [noOpDrift(attrs, tagMap)],
        );
        expect(outcome.refused).toEqual([]);
        expect(outcome.after.get('main.tf')).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('rendered values parse back to the same value (strings with quotes, escapes, ${ and %{)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), async (value) => {
        const file = await parseHcl('v.tf', `a = ${renderValue(value)}\n`);
        const attribute = file.attributes[0]!;
        expect(attribute.value).toMatchObject({ kind: 'literal', value });
      }),
      { numRuns: 100 },
    );
  });
});

/** Every .tf file of the project's examples and fixtures parses (tree-sitter and HashiCorp's parser). */
describe('HCL corpus of this project', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tf$|\.tfvars$/.test(entry)) files.push(full);
    }
  };
  walk('examples');
  walk('test/fixtures');

  it('has files to parse', () => expect(files.length).toBeGreaterThan(20));
  for (const file of files) {
    it(`parses ${file}`, async () => {
      // verify: HashiCorp's parser must accept it too (reading a stack does not ask it).
      await expect(
        parseHcl(file, readFileSync(file, 'utf8'), { verify: true }),
      ).resolves.toMatchObject({
        path: file,
      });
    });
  }
});

/** terraform fmt (or hclfmt) must find nothing to change in codify's golden outputs. */
describe(`formatting oracle (${formatterName})`, () => {
  const outputs = readdirSync('test/fixtures/codify').flatMap((name) => {
    const dir = join('test/fixtures/codify', name, 'after');
    return existsSync(dir) ? readdirSync(dir).map((file) => join(dir, file)) : [];
  });
  it('has golden outputs to format', () => expect(outputs.length).toBeGreaterThan(10));
  for (const file of outputs) {
    it(`the formatter leaves ${file} unchanged`, () => {
      const text = readFileSync(file, 'utf8');
      expect(formatHcl(text)).toBe(text);
    });
  }
});
