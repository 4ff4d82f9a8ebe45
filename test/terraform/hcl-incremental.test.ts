/**
 * Re-reading an edited file only where it changed must give exactly what reading the
 * whole file gives: same items, same ranges, lines and columns, same errors.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonEnds, reparseHcl } from '../../src/terraform/hcl-incremental.js';
import { parseHcl, type HclExpression, type HclFile } from '../../src/terraform/hcl-syntax.js';
import { replaceStackFiles, stackOfFiles } from '../../src/terraform/stack.js';

const PATH = 'examples/prod-network/main.tf';
const source = readFileSync(PATH, 'utf8');

/** Every expression of a file, nested ones too: the places an edit can land. */
function expressionsOf(file: HclFile): HclExpression[] {
  const found: HclExpression[] = [];
  const visit = (expression: HclExpression) => {
    found.push(expression);
    if (expression.kind === 'tuple') expression.items.forEach(visit);
    if (expression.kind === 'object') expression.items.forEach((item) => visit(item.value));
  };
  const body = (b: Pick<HclFile, 'attributes' | 'blocks'>) => {
    b.attributes.forEach((attribute) => visit(attribute.value));
    b.blocks.forEach(body);
  };
  body(file);
  return found;
}

const splice = (text: string, start: number, end: number, insert: string) =>
  text.slice(0, start) + insert + text.slice(end);

describe('reparseHcl', () => {
  it('equals a full read after any value of the file is replaced (lines added or removed too)', async () => {
    const file = await parseHcl(PATH, source);
    const expressions = expressionsOf(file);
    expect(expressions.length).toBeGreaterThan(50);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: expressions.length - 1 }),
        fc.constantFrom('"x"', '42', '["a",\n    "b"]', '{\n    k = "v"\n  }', 'var.other'),
        async (index, replacement) => {
          const target = expressions[index]!;
          const text = splice(source, target.range.start, target.range.end, replacement);
          expect(await reparseHcl(file, text)).toEqual(await parseHcl(PATH, text));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('equals a full read after a block is inserted between two blocks, or one is removed', async () => {
    const file = await parseHcl(PATH, source);
    for (const block of file.blocks) {
      const after = splice(
        source,
        block.range.end,
        block.range.end,
        '\n\nresource "aws_eip" "added" {\n  domain = "vpc"\n}',
      );
      expect(await reparseHcl(file, after)).toEqual(await parseHcl(PATH, after));
      const removed = splice(source, block.range.start, block.range.end, '');
      expect(await reparseHcl(file, removed)).toEqual(await parseHcl(PATH, removed));
    }
  });

  it('given where the texts may differ (any span covering the edit), equals a full read', async () => {
    const file = await parseHcl(PATH, source);
    const expressions = expressionsOf(file);
    // Places an edit can land: any value, the start or end of the file, and between or
    // across top-level blocks (a block removed with its neighbour's first line).
    const first = file.blocks[0]!.range;
    const last = file.blocks.at(-1)!.range;
    const edits: [number, number, string][] = [
      ...expressions.map((e): [number, number, string] => [e.range.start, e.range.end, '"x"']),
      [0, 0, 'variable "added" {}\n\n'],
      [source.length, source.length, '\nlocals {\n  x = 1\n}\n'],
      [first.end, first.end, '\n\nresource "aws_eip" "added" {\n  domain = "vpc"\n}'],
      [first.start, file.blocks[1]!.range.start + 1, 'r'],
      [last.start, last.end, ''],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: edits.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (index, prefixShare, suffixShare) => {
          const [start, end, insert] = edits[index]!;
          const text = splice(source, start, end, insert);
          const exact = commonEnds(source, text);
          // Any ends no longer than the true common ends: what an editor may report.
          const changed = {
            prefix: Math.floor(exact.prefix * prefixShare),
            suffix: Math.floor(exact.suffix * suffixShare),
          };
          expect(await reparseHcl(file, text, changed)).toEqual(await parseHcl(PATH, text));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a syntax error in the edit is the error a full read gives (file:line:column)', async () => {
    const file = await parseHcl(PATH, source);
    const at = file.blocks[3]!.attributes[0]!.value.range;
    const broken = splice(source, at.start, at.end, '[1, 2');
    const full = await parseHcl(PATH, broken).catch((error: unknown) => error);
    expect(full).toBeInstanceOf(Error);
    await expect(reparseHcl(file, broken)).rejects.toThrow((full as Error).message);
  });
});

describe('replaceStackFiles', () => {
  const files = [
    { path: 'a.tf', text: 'resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n}\n' },
    {
      path: 'b.tf',
      text: 'variable "region" {\n  default = "eu-west-1"\n}\n\nresource "aws_vpc" "b" {\n  cidr_block = "10.1.0.0/16"\n}\n',
    },
  ];

  it('gives the stack a full read gives, sharing the files it did not change', async () => {
    const parsed = await Promise.all(files.map((file) => parseHcl(file.path, file.text)));
    const stack = stackOfFiles('.', parsed);
    const edited = files[1]!.text
      .replace('"eu-west-1"', '"us-east-1"')
      .concat('\nresource "aws_subnet" "c" {\n  vpc_id = aws_vpc.b.id\n}\n');
    const next = replaceStackFiles(stack, [await reparseHcl(parsed[1]!, edited)]);
    const full = stackOfFiles('.', [parsed[0]!, await parseHcl('b.tf', edited)]);
    expect(next).toEqual(full);
    expect(next.files[0]).toBe(stack.files[0]);
    expect(next.resources.map((resource) => resource.address)).toEqual([
      'aws_vpc.a',
      'aws_vpc.b',
      'aws_subnet.c',
    ]);
    expect(next.variables.get('region')?.default).toBe('us-east-1');
  });

  it('an edit that moves nothing shares the blocks after it, and their declarations', async () => {
    const parsed = await Promise.all(files.map((file) => parseHcl(file.path, file.text)));
    const stack = stackOfFiles('.', parsed);
    // Same length, same lines: nothing after the edit moves.
    const edited = files[1]!.text.replace('"eu-west-1"', '"us-east-1"');
    const reread = await reparseHcl(parsed[1]!, edited);
    expect(reread).toEqual(await parseHcl('b.tf', edited));
    expect(reread.blocks[1]).toBe(parsed[1]!.blocks[1]);
    const next = replaceStackFiles(stack, [reread]);
    expect(next).toEqual(stackOfFiles('.', [parsed[0]!, await parseHcl('b.tf', edited)]));
    expect(next.declarations.get('b.tf')!.resources.get('aws_vpc.b')).toBe(
      stack.declarations.get('b.tf')!.resources.get('aws_vpc.b'),
    );
    expect(next.variables.get('region')?.default).toBe('us-east-1');
  });

  it('a resource that now exists twice is the error a full read gives', async () => {
    const parsed = await Promise.all(files.map((file) => parseHcl(file.path, file.text)));
    const stack = stackOfFiles('.', parsed);
    const edited = `${files[1]!.text}\nresource "aws_vpc" "a" {\n}\n`;
    const newB = await reparseHcl(parsed[1]!, edited);
    expect(() => replaceStackFiles(stack, [newB])).toThrow(/duplicate resource "aws_vpc.a"/);
    expect(() => stackOfFiles('.', [parsed[0]!, newB])).toThrow(/duplicate resource "aws_vpc.a"/);
  });
});
