/**
 * Reading a file lazily (blocks by a lexical scan, bodies on first use) must give what
 * reading it whole gives, once everything is asked: the same items, ranges, lines,
 * columns and errors. And what is not asked must not be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outlineBlocks } from '../../src/terraform/hcl-outline.js';
import { bodyPending, outlineHcl } from '../../src/terraform/hcl-lazy.js';
import { parseHcl, type HclFile } from '../../src/terraform/hcl-syntax.js';
import { buildStack } from '../../src/terraform/stack.js';
import { reparseHcl } from '../../src/terraform/hcl-incremental.js';

const ROOT = join(import.meta.dirname, '../..');

function tfFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tfFilesUnder(join(dir, entry.name))
      : entry.name.endsWith('.tf')
        ? [join(dir, entry.name)]
        : [],
  );
}

const FILES = [
  ...tfFilesUnder(join(ROOT, 'examples')),
  ...tfFilesUnder(join(ROOT, 'test/fixtures')),
];

/** Every getter asked: the plain data a full read gives. */
const asked = (file: HclFile) => JSON.parse(JSON.stringify(file)) as unknown;

type Read = { file: unknown } | { error: string };
async function readWith(read: () => Promise<HclFile>): Promise<Read> {
  try {
    return { file: asked(await read()) };
  } catch (error) {
    return { error: `${(error as Error).message} ${JSON.stringify(error)}` };
  }
}

// Constructs real stacks use, each read through the scan's hard cases.
const TRICKY = `# a comment with { braces } and "quotes"
// another, with <<EOF
/* a block comment
   resource "no" "thing" { */
terraform {
  backend "s3" {
    bucket = "state"
  }
}

resource "aws_instance" "web" {
  user_data = <<-EOT
    #!/bin/bash
    echo "}" { ] ) \${var.x} %{ if true }yes%{ endif }
    EOT
  tags = merge(var.tags, { Name = "web-\${var.env}", "quoted key" = "}" })
  policy = jsonencode({ Statement = [{ Action = ["s3:*"], Effect = "Allow" }] })
  description = "escaped \\" quote and $\${literal} and %%{literal}"
  count = var.enabled ? 1 : 0 # trailing } comment
  list = [for s in var.subnets : upper(s) if s != "}"]
  map  = { for k, v in var.m : k => v... }
  splat = aws_subnet.private[*].id
  ratio = 10 / 2
}

locals { empty = {} }
variable "v" {}
module "m" {
  source = "./m"   # { 
}
output "o" {
  value = <<EOF
not the end: EOF
  EOF
}
`;

describe('outlineHcl', () => {
  it('reads the repository’s every .tf file as parseHcl does, once every body is asked', async () => {
    expect(FILES.length).toBeGreaterThan(30);
    let outlined = 0;
    for (const path of FILES) {
      const text = readFileSync(path, 'utf8');
      if (outlineBlocks(text)) outlined++;
      expect(await readWith(() => outlineHcl(path, text)), path).toEqual(
        await readWith(() => parseHcl(path, text)),
      );
    }
    // The scan follows real files: almost none fall back to a whole read.
    expect(outlined).toBeGreaterThan(FILES.length * 0.8);
  });

  it('follows comments, heredocs, templates, escapes and nested brackets', async () => {
    const outline = outlineBlocks(TRICKY);
    expect(outline?.map((block) => [block.type, ...block.labels])).toEqual([
      ['terraform'],
      ['resource', 'aws_instance', 'web'],
      ['locals'],
      ['variable', 'v'],
      ['module', 'm'],
      ['output', 'o'],
    ]);
    expect(asked(await outlineHcl('t.tf', TRICKY))).toEqual(asked(await parseHcl('t.tf', TRICKY)));
  });

  it('reads a comment between the labels as Terraform does, both ways', async () => {
    const header = 'resource /* kind */ "aws_s3_bucket" /* why */ "logs" {\n}\n';
    expect((await parseHcl('t.tf', header)).blocks[0]!.labels).toEqual(['aws_s3_bucket', 'logs']);
    expect(asked(await outlineHcl('t.tf', header))).toEqual(asked(await parseHcl('t.tf', header)));
  });

  it('reads a body only when it is asked, and a stack declares resources without reading them', async () => {
    const file = await outlineHcl('t.tf', TRICKY);
    const web = file.blocks[1]!;
    expect(bodyPending(web)).toBe(true);
    const stack = await buildStack('.', [{ path: 't.tf', text: TRICKY }], { lazy: true });
    const declared = stack.resources.find((resource) => resource.address === 'aws_instance.web')!;
    expect(bodyPending(declared.block)).toBe(true);
    expect(declared.count?.text).toBe('var.enabled ? 1 : 0');
    expect(bodyPending(declared.block)).toBe(false);
    // The backend is a declaration every reader needs: read at once.
    expect(stack.backend?.config).toEqual({ bucket: 'state' });
  });

  it('names the file, line and column of a syntax error inside a body when that body is read', async () => {
    const broken = TRICKY.replace('ratio = 10 / 2', 'ratio = = 2');
    const eager = await readWith(() => parseHcl('t.tf', broken));
    expect(eager).toHaveProperty('error', expect.stringMatching(/syntax error/));
    const file = await outlineHcl('t.tf', broken);
    expect(() => file.blocks[1]!.attributes).toThrow(/syntax error/);
    expect(await readWith(async () => file)).toEqual(eager);
  });

  it('reads an unbalanced file, a top-level attribute or a label template whole, with the same verdict', async () => {
    for (const text of [
      'resource "a" "b" {\n  x = [1, 2\n}\n',
      'resource "a" "b" {\n  x = "no end\n}\n',
      'a = 1\nresource "a" "b" {}\n',
      'resource "a" "${b}" {}\n',
      'resource "a" "b" {} resource "c" "d" {}\n',
      'resource "a" "b" {\n  x = <<EOF\n  never ends\n}\n',
      '/* never ends\nresource "a" "b" {}\n',
      'resource "a" "b\\q" {}\n',
      'resource "a" "\\u12" {}\n',
      'resource "a" "\\UFFFFFFFF" {}\n',
    ]) {
      expect(outlineBlocks(text), text).toBeUndefined();
      expect(await readWith(() => outlineHcl('t.tf', text)), text).toEqual(
        await readWith(() => parseHcl('t.tf', text)),
      );
    }
  });

  it('equals a full read, or gives its error, for any edit of a real file (fuzz)', async () => {
    const texts = [TRICKY, ...FILES.map((path) => readFileSync(path, 'utf8'))];
    const runs = Number(process.env.DRIFTGATE_FUZZ_RUNS ?? 300);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(
          '',
          '"',
          '{',
          '}',
          '[',
          ']',
          '#',
          '<<EOF\n',
          '${',
          '\n',
          '= =',
          'x',
          '/*',
          '\\',
        ),
        async (index, where, cut, insert) => {
          const text = texts[index]!;
          const at = Math.floor(where * text.length);
          const edited = text.slice(0, at) + insert + text.slice(at + cut);
          expect(await readWith(() => outlineHcl('t.tf', edited))).toEqual(
            await readWith(() => parseHcl('t.tf', edited)),
          );
        },
      ),
      { numRuns: runs },
    );
  });

  it('re-reads an edit of a lazily read file as a full read of the edited text', async () => {
    const file = await outlineHcl('t.tf', TRICKY);
    const edited = TRICKY.replace('ratio = 10 / 2', 'ratio = 100 / 2\n  extra = true');
    expect(asked(await reparseHcl(file, edited))).toEqual(asked(await parseHcl('t.tf', edited)));
  });
});
