import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeBlock, inlineCode, plainText, tableCell } from '../../src/report/markdown.js';
import { nodesOf, parseMarkdown, textOf } from '../support/markdown-tree.js';

const nodeTypes = (node: Parameters<typeof nodesOf>[0]) => nodesOf(node).map((each) => each.type);

const J = '\u2060';

describe('escaping values for Markdown', () => {
  it.each([
    ['a`b', '``a`b``'],
    ['``x', '``` ``x ```'],
    ['x`', '`` x` ``'],
    [' padded ', '`  padded  `'],
    ['@org/team', '`@org/team`'],
    ['line1\nline2', '`line1 line2`'],
    ['', '` `'],
  ])('inlineCode(%j) is %j', (value, expected) => {
    expect(inlineCode(value)).toBe(expected);
  });

  it.each([
    ['# heading', `\\#${J} heading`],
    ['- item', '\\- item'],
    ['1. one', '1\\. one'],
    ['2) two', '2\\) two'],
    ['> quote', '\\> quote'],
    ['<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)\\>'],
    ['<!-- driftgate:meta eyJ2IjoxfQ== -->', '\\<\\!-- driftgate:meta eyJ2IjoxfQ== --\\>'],
    ['cc @org/team and @alice', `cc @${J}org/team and @${J}alice`],
    ['see #12 and GH-3', `see #${J}12 and GH-${J}3`],
    ['*bold* _it_ ~~gone~~ $x$', '\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~ \\$x\\$'],
    ['[x](https://evil.example)', `\\[x\\](https:${J}//evil.example)`],
    ['&amp; a|b', '\\&amp; a|b'],
    ['two\nlines\n# h', `two lines #${J} h`],
    ['    indented', 'indented'],
  ])('plainText(%j) is %j', (value, expected) => {
    expect(plainText(value)).toBe(expected);
  });

  it('a table cell escapes pipes, also inside code; a code block fence outgrows any backtick run', () => {
    expect(tableCell(inlineCode('a|b'))).toBe('`a\\|b`');
    expect(codeBlock('x\n````\ny')).toBe('`````\nx\n````\ny\n`````');
    expect(codeBlock('plain', 'sh')).toBe('```sh\nplain\n```');
  });

  it('for any string, a code span is one code node holding exactly the value (parsed by a real parser)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'`|\\<>!-#@*_[] \n=1.~$x'.split('')) }),
        async (value) => {
          const tree = await parseMarkdown(`before ${inlineCode(value)} after`);
          const paragraph = tree.children![0]!;
          const codes = paragraph.children!.filter((node) => node.type === 'inlineCode');
          expect(codes).toHaveLength(1);
          if (value.trim() !== '') expect(codes[0]!.value).toBe(value.replace(/\n/g, ' '));
          expect(
            nodeTypes(tree).filter(
              (type) => !['root', 'paragraph', 'text', 'inlineCode'].includes(type),
            ),
          ).toEqual([]);
        },
      ),
    );
  });

  it('for any string, plain text stays one paragraph of text: no HTML, link, heading, list or emphasis', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'`|\\<>!-#@*_[]() \n=1.~$x:/w'.split('')) }),
        async (value) => {
          fc.pre(value.trim() !== '');
          const tree = await parseMarkdown(plainText(value));
          expect(
            nodeTypes(tree).filter((type) => !['root', 'paragraph', 'text'].includes(type)),
          ).toEqual([]);
          expect(textOf(tree).replaceAll(J, '')).toBe(
            value.replace(/\n/g, ' ').trimStart().trimEnd(),
          );
        },
      ),
    );
  });

  // Without backslashes: prettier's remark splits `\\|` where GitHub's cmark-gfm does not (the
  // escaping was checked against cmark-gfm, GitHub's own parser, with backslashes too).
  it('for any string, a table row keeps its cells and each cell its value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'`|<>#@ \n-x*_'.split('')) }),
        async (value) => {
          fc.pre(value.trim() !== '');
          const tree = await parseMarkdown(
            `| a | b |\n| --- | --- |\n| ${tableCell(inlineCode(value))} | ${tableCell(plainText(value))} |\n`,
          );
          const row = tree.children![0]!.children![1]!;
          expect(row.children).toHaveLength(2);
          expect(row.children![0]!.children!.map((node) => node.type)).toEqual(['inlineCode']);
          expect(row.children![0]!.children![0]!.value).toBe(value.replace(/\n/g, ' '));
        },
      ),
    );
  });
});
