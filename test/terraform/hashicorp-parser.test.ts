/**
 * HashiCorp's parser reads two texts in one call (codify's before and after of an edit):
 * each verdict and value must be exactly what a call of its own gives, whatever the texts
 * hold — including texts built to reach out of their half of the call.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHcl2 } from '../../src/terraform/hcl2-module.js';
import {
  parsePairWith,
  parsePairWithHashicorp,
  parseWithHashicorp,
  type HashicorpParse,
} from '../../src/terraform/hashicorp-parser.js';

function terraformFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return terraformFiles(full);
      return /\.tf(vars)?$/.test(name) ? [full] : [];
    });
}

const texts = [...terraformFiles('examples'), ...terraformFiles('test/fixtures/codify')].map(
  (path) => readFileSync(path, 'utf8'),
);

const alone = (first: string, second: string) => [
  parseWithHashicorp(first),
  parseWithHashicorp(second),
];

afterEach(() => vi.restoreAllMocks());

describe('parsePairWithHashicorp', () => {
  it('gives what two calls give, for the HCL files of the project and pieces of them', () => {
    expect(texts.length).toBeGreaterThan(20);
    // A text, its first lines only (often an unclosed block), or one brace dropped or added.
    const variant = fc
      .tuple(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.constantFrom('whole', 'head', 'no-brace', 'extra-brace'),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([index, kind, share]) => {
        const text = texts[index]!;
        const lines = text.split('\n');
        const cut = Math.floor(share * lines.length);
        if (kind === 'head') return `${lines.slice(0, cut).join('\n')}\n`;
        if (kind === 'no-brace') {
          const at = text.indexOf('}', Math.floor(share * text.length));
          return at < 0 ? text : text.slice(0, at) + text.slice(at + 1);
        }
        if (kind === 'extra-brace')
          return [...lines.slice(0, cut), '}', ...lines.slice(cut)].join('\n');
        return text;
      });
    fc.assert(
      fc.property(variant, variant, (first, second) => {
        expect(parsePairWithHashicorp(first, second)).toEqual(alone(first, second));
      }),
      { numRuns: 120 },
    );
  });

  it('texts built to escape their half of the call get the verdicts of two calls', () => {
    const block = 'resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n}\n';
    const cases: [string, string][] = [
      // One closes a brace too many, the other opens one: together they balance.
      [`${block}}\nx {\n`, `y = 1\n}\n${block}`],
      [`${block}x = {\n`, `}\n${block}`],
      // A heredoc or comment left open in one, closed in the other.
      [`x = <<EOT\n${block}`, `EOT\n${block}`],
      [`${block}/*\n`, `*/\n${block}`],
      // Texts naming the blocks the call wraps them in.
      [`${block}}\ndriftgate_0_second {\n`, block],
      ['driftgate_0 = 1\n', `driftgate_1_first {\n}\n${block}`],
      // No final line break: read alone.
      ['x = <<EOT\nhello\nEOT', block],
      ['x = 1 # note', block],
    ];
    for (const [first, second] of cases)
      expect(parsePairWithHashicorp(first, second)).toEqual(alone(first, second));
    expect(parsePairWithHashicorp(...cases[0]!)[0].kind).toBe('rejected');
  });

  it('reads two accepted texts in one call, and a rejected one alone', () => {
    const parse = vi.spyOn(loadHcl2(), 'parseToObject');
    const [before, after] = parsePairWithHashicorp('a = 1\n', 'a = 2\nb {\n}\n');
    expect(parse).toHaveBeenCalledTimes(1);
    expect([before, after]).toEqual([
      { kind: 'parsed', value: { a: 1 } },
      { kind: 'parsed', value: { a: 2, b: [{}] } },
    ]);
    parse.mockClear();
    expect(parsePairWithHashicorp('a = 1\n', 'a = \n').map((parsed) => parsed.kind)).toEqual([
      'parsed',
      'rejected',
    ]);
    expect(parse).toHaveBeenCalledTimes(3);
  });

  it('reads the same way with the parser elsewhere (asynchronous, as on a worker thread)', async () => {
    const sent: string[] = [];
    const elsewhere = async (text: string): Promise<HashicorpParse> => {
      sent.push(text);
      return parseWithHashicorp(text);
    };
    // One call when the pair reads back as its two blocks; else each text alone too.
    for (const [first, second, calls] of [
      ['a = 1\n', 'a = 2\nb {\n}\n', 1],
      ['a = 1\n', 'a = \n', 3],
      ['x = 1 # note', 'y = 2\n', 2],
    ] as const) {
      sent.length = 0;
      expect(await parsePairWith(elsewhere, first, second)).toEqual(
        parsePairWithHashicorp(first, second),
      );
      expect(sent).toHaveLength(calls);
      if (calls > 1) expect(sent.slice(-2)).toEqual([first, second]);
    }
  });
});
