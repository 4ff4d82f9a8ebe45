/**
 * Applying a plan's edits also tells where each file may differ, so re-reading it need not
 * compare the whole texts: that span must cover every byte that changed, the runs of `=`
 * re-aligned around an edit included.
 */
import { describe, expect, it } from 'vitest';
import { applyEditsWithEnds } from '../../src/remediation/codify/apply.js';
import { commonEnds } from '../../src/terraform/hcl-incremental.js';

const text = [
  'resource "aws_instance" "first" {',
  '  ami  = "ami-1"',
  '  type = "t3.micro"',
  '}',
  '',
  'resource "aws_instance" "app" {',
  '  ami  = "ami-1"',
  '  type = "t3.micro"',
  '}',
  '',
  'resource "aws_vpc" "main" {',
  '  cidr_block = "10.0.0.0/16"',
  '}',
  '',
].join('\n');

function applied(start: number, end: number, insert: string) {
  const { texts, changed } = applyEditsWithEnds(new Map([['main.tf', text]]), [
    { file: 'main.tf', start, end, text: insert },
  ]);
  return { after: texts.get('main.tf')!, ends: changed.get('main.tf')! };
}

describe('applyEditsWithEnds', () => {
  it('an edit inside a run that re-aligns the lines above it: the span reaches back to them', () => {
    const at = text.indexOf('\n}', text.indexOf('"app"')) + 1;
    const { after, ends } = applied(at, at, '  availability_zone = "eu-west-1a"\n');
    expect(after).toContain(
      '  ami               = "ami-1"\n  type              = "t3.micro"\n  availability_zone = "eu-west-1a"\n',
    );
    const exact = commonEnds(text, after);
    expect(ends.prefix).toBeLessThanOrEqual(exact.prefix);
    expect(ends.suffix).toBeLessThanOrEqual(exact.suffix);
    // Not the whole file: the first block and the last are outside the span.
    expect(ends.prefix).toBeGreaterThan(text.indexOf('"app"') - 30);
    expect(ends.suffix).toBeGreaterThanOrEqual(text.length - text.indexOf('resource "aws_vpc"'));
  });

  it('a value replaced without re-aligning anything: the span is the edit itself', () => {
    const start = text.indexOf('"t3.micro"', text.indexOf('"app"'));
    const { after, ends } = applied(start, start + 10, '"t3.large"');
    expect(after).toBe(text.replace(/("app" \{\n[^}]*)"t3\.micro"/, '$1"t3.large"'));
    expect(ends).toEqual({ prefix: start, suffix: text.length - start - 10 });
  });

  it('a removed line that leaves the run below it aligned for a longer name: re-aligned, and covered', () => {
    const wide = text.replace(
      '"app" {\n  ami  = "ami-1"\n  type = "t3.micro"\n',
      [
        '"app" {',
        '  ami               = "ami-1"',
        '  type              = "t3.micro"',
        '  availability_zone = "eu-west-1a"',
        '',
      ].join('\n'),
    );
    expect(wide).not.toBe(text);
    const start = wide.indexOf('  availability_zone');
    const { texts, changed } = applyEditsWithEnds(new Map([['main.tf', wide]]), [
      { file: 'main.tf', start, end: wide.indexOf('\n', start) + 1, text: '' },
    ]);
    expect(texts.get('main.tf')).toBe(text);
    const exact = commonEnds(wide, text);
    expect(changed.get('main.tf')!.prefix).toBeLessThanOrEqual(exact.prefix);
    expect(changed.get('main.tf')!.suffix).toBeLessThanOrEqual(exact.suffix);
  });
});
