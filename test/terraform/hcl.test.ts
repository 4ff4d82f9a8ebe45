import { describe, expect, it } from 'vitest';
import { literalValueOf, parseHcl } from '../../src/terraform/hcl-syntax.js';
import { buildStack, readStack } from '../../src/terraform/stack.js';
import { DriftgateError } from '../../src/errors.js';

const source = `# Web tier
resource "aws_security_group" "web" {
  name        = "prod-web" # the console shows this
  description = "Web \\"tier\\" \\u00e9"
  vpc_id      = aws_vpc.main.id
  tags = {
    Name                 = "web"
    "kubernetes.io/role" = "elb"
    Count                = 3
  }
  policy = <<-EOT
    {"Version": "2012-10-17"}
    EOT
  name_prefix = "\${var.env}-web"
  ports       = [22, 443]
  enabled     = true
  nothing     = null

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    ignore_changes = [tags["Owner"], description]
  }
}
`;

describe('HCL syntax reader (tree-sitter)', () => {
  it('reads blocks with labels and exact source ranges', async () => {
    const file = await parseHcl('main.tf', source);
    const block = file.blocks[0]!;
    expect(block.type).toBe('resource');
    expect(block.labels).toEqual(['aws_security_group', 'web']);
    expect(block.range.line).toBe(2);
    expect(source.slice(block.range.start, block.range.end)).toMatch(
      /^resource "aws_security_group" "web" \{[\s\S]*\}$/,
    );
    const name = block.attributes.find((a) => a.name === 'name')!;
    expect(source.slice(name.range.start, name.range.end)).toBe('name        = "prod-web"');
    expect(name.range).toMatchObject({ line: 3, column: 3 });
  });

  it('decodes literal strings (escapes, heredocs), numbers, bools, null, lists and maps', async () => {
    const file = await parseHcl('main.tf', source);
    const block = file.blocks[0]!;
    const value = (name: string) =>
      literalValueOf(block.attributes.find((a) => a.name === name)!.value);
    expect(value('name')).toBe('prod-web');
    expect(value('description')).toBe('Web "tier" é');
    expect(value('tags')).toEqual({ Name: 'web', 'kubernetes.io/role': 'elb', Count: 3 });
    expect(value('policy')).toBe('{"Version": "2012-10-17"}\n');
    expect(value('ports')).toEqual([22, 443]);
    expect(value('enabled')).toBe(true);
    expect(value('nothing')).toBeNull();
  });

  it('keeps references and computed expressions as text, not values', async () => {
    const file = await parseHcl('main.tf', source);
    const block = file.blocks[0]!;
    const vpc = block.attributes.find((a) => a.name === 'vpc_id')!.value;
    expect(vpc).toMatchObject({ kind: 'reference', traversal: 'aws_vpc.main.id' });
    const prefix = block.attributes.find((a) => a.name === 'name_prefix')!.value;
    expect(prefix.kind).toBe('computed');
    expect(prefix.text).toBe('"${var.env}-web"');
    expect(prefix.kind === 'computed' && prefix.references).toEqual(['var.env']);
    expect(literalValueOf(prefix)).toBeUndefined();
  });

  it('reads nested blocks in order', async () => {
    const file = await parseHcl('main.tf', source);
    const inner = file.blocks[0]!.blocks.map((b) => b.type);
    expect(inner).toEqual(['ingress', 'lifecycle']);
    const ingress = file.blocks[0]!.blocks[0]!;
    expect(literalValueOf(ingress.attributes.find((a) => a.name === 'cidr_blocks')!.value)).toEqual(
      ['0.0.0.0/0'],
    );
  });

  it('reports a syntax error with file:line:column', async () => {
    const broken =
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n  tags = {\n    Name = \n  }\n}\n';
    const error = await parseHcl('envs/prod/main.tf', broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftgateError);
    expect((error as DriftgateError).format()).toMatch(
      /^envs\/prod\/main\.tf:\d+:\d+: syntax error/,
    );
    expect((error as DriftgateError).location.line).toBeGreaterThanOrEqual(4);
  });

  it('reports an unclosed block', async () => {
    const error = await parseHcl(
      'a.tf',
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n',
    ).catch((e: unknown) => e);
    expect((error as DriftgateError).format()).toMatch(/^a\.tf:\d+:\d+: syntax error/);
  });
});

describe('stack reader', () => {
  it('reads resources, lifecycle.ignore_changes, variables, locals and the example stack', async () => {
    const stack = await readStack('examples/prod-network');
    expect(stack.files.map((f) => f.path)).toEqual([
      'examples/prod-network/main.tf',
      'examples/prod-network/variables.tf',
    ]);
    expect(stack.resources.map((r) => r.address)).toEqual([
      'aws_vpc.main',
      'aws_subnet.public',
      'aws_security_group.web',
      'aws_db_instance.orders',
    ]);
    expect(
      stack.resources.find((r) => r.address === 'aws_db_instance.orders')!.ignoreChanges,
    ).toEqual([['allocated_storage']]);
    expect(stack.resources.find((r) => r.address === 'aws_subnet.public')!.count?.text).toBe('2');
    expect(stack.variables.get('office_cidr')!.default).toBe('198.51.100.0/24');
    expect(stack.variables.get('db_password')!.sensitive).toBe(true);
    expect(stack.locals.get('azs')!.attribute.value.text).toBe('["eu-west-1a", "eu-west-1b"]');
  });

  it('reads the s3 backend, module blocks and ignore_changes = all', async () => {
    const stack = await buildStack('stack', [
      {
        path: 'backend.tf',
        text: `terraform {\n  backend "s3" {\n    bucket = "acme-tfstate"\n    key    = "network/terraform.tfstate"\n    region = "eu-west-1"\n  }\n}\n`,
      },
      {
        path: 'main.tf',
        text: `module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\nresource "aws_instance" "x" {\n  lifecycle {\n    ignore_changes = all\n  }\n}\n`,
      },
    ]);
    expect(stack.backend).toMatchObject({
      type: 's3',
      config: { bucket: 'acme-tfstate', key: 'network/terraform.tfstate', region: 'eu-west-1' },
    });
    expect(stack.modules).toMatchObject([{ name: 'vpc', source: 'terraform-aws-modules/vpc/aws' }]);
    expect(stack.resources[0]!.ignoreChanges).toBe('all');
  });

  it('refuses a duplicate resource with its location', async () => {
    const error = await buildStack('s', [
      { path: 'a.tf', text: 'resource "aws_vpc" "main" {}\n' },
      { path: 'b.tf', text: '\nresource "aws_vpc" "main" {}\n' },
    ]).catch((e: unknown) => e);
    expect((error as DriftgateError).format()).toBe('b.tf:2:1: duplicate resource "aws_vpc.main"');
  });
});
