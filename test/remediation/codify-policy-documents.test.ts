/**
 * Codify of policy documents: a manual change to an IAM policy, a trust policy or a bucket
 * policy is written back into the code in the author's form — jsonencode in HCL object
 * syntax (as terraform fmt leaves it), a heredoc as pretty JSON under its marker, a quoted
 * string as JSON — and a policy built where codify cannot write (an
 * aws_iam_policy_document data source, a file) is refused with the place to change.
 */
import { describe, expect, it } from 'vitest';
import { codifyDrifts, contextOf, semanticViolation } from '../../src/remediation/codify/codify.js';
import { equivalentPolicies } from '../../src/providers/aws/policy-document.js';
import { buildStack } from '../../src/terraform/stack.js';
import { codeDocumentOf } from '../../src/remediation/codify/plan-policy.js';
import type { Drift } from '../../src/drift/model.js';
import { aDrift } from '../support/drift-builder.js';
import { formatHcl } from '../support/formatter.js';

const read = {
  Sid: 'ReadArtifacts',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::artifacts', 'arn:aws:s3:::artifacts/*'],
};
const homeDirectory = {
  Sid: 'HomeDirectory',
  Effect: 'Allow',
  Action: 's3:PutObject',
  Resource: 'arn:aws:s3:::artifacts/home/${aws:username}/*',
  Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
};
const doc = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

const rolePolicyTf = `resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "ec2.amazonaws.com" },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
}

resource "aws_iam_role_policy" "ci" {
  name = "artifacts"
  role = aws_iam_role.ci.id
  # Read-only access to the build artifacts.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"]
      },
    ]
  })
}
`;

async function codify(files: Record<string, string>, drift: Drift) {
  const outcome = await codifyDrifts(
    '.',
    Object.entries(files).map(([path, text]) => ({ path, text })),
    [drift],
  );
  return { outcome, after: Object.fromEntries(outcome.after) as Record<string, string> };
}

/** The document the code now says for `address`.`attribute`, read back as codify reads it. */
async function documentIn(text: string, address: string, attribute: string) {
  const context = await contextOf('.', new Map([['main.tf', text]]), { verify: true });
  const stack = await buildStack('.', [{ path: 'main.tf', text }]);
  const block = stack.resources.find((resource) => resource.address === address)!.block;
  const found = codeDocumentOf(
    context,
    block.attributes.find((candidate) => candidate.name === attribute)!.value,
    'main.tf',
  );
  if (found.kind === 'refused') throw new Error(found.reason);
  return JSON.stringify(found.document);
}

describe('codify of policy documents', () => {
  it('rewrites a jsonencode literal in HCL object syntax, as terraform fmt leaves it', async () => {
    const live = doc(read, homeDirectory);
    const drift = aDrift('aws_iam_role_policy.ci', [
      { path: ['policy'], recorded: doc(read), live },
    ]);
    const { outcome, after } = await codify({ 'main.tf': rolePolicyTf }, drift);
    expect(outcome.refused).toEqual([]);
    const expected = rolePolicyTf.replace(
      / {2}policy = jsonencode\(\{[\s\S]*\}\)\n/,
      () => `  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"]
      },
      {
        Sid      = "HomeDirectory"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "arn:aws:s3:::artifacts/home/$\${aws:username}/*"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "123456789012"
          }
        }
      },
    ]
  })
`,
    );
    expect(after['main.tf']).toBe(expected);
    expect(formatHcl(after['main.tf']!)).toBe(after['main.tf']);
    // The comment above the attribute and the other resource are untouched.
    expect(after['main.tf']).toContain('  # Read-only access to the build artifacts.\n');
    expect(await documentIn(after['main.tf']!, 'aws_iam_role_policy.ci', 'policy')).toBe(live);

    // Idempotent: the same drift against the codified code changes nothing.
    const again = await codify(after, drift);
    expect(again.outcome.refused).toEqual([]);
    expect(again.after).toEqual(after);
  });

  it('leaves a jsonencode document alone when it already grants what live grants', async () => {
    // Live re-serialised: statements as a one-element list, actions reordered and lower-case.
    const live = doc({ ...read, Action: ['s3:listbucket', 's3:getobject'] });
    const { outcome, after } = await codify(
      { 'main.tf': rolePolicyTf },
      aDrift('aws_iam_role_policy.ci', [{ path: ['policy'], recorded: doc(read), live }]),
    );
    expect(outcome.refused).toEqual([]);
    expect(after['main.tf']).toBe(rolePolicyTf);
    expect(outcome.codified[0]!.unchanged).toEqual(['policy']);
  });

  it('rewrites a <<EOF heredoc as pretty JSON under the same marker', async () => {
    const trust = {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com', AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
    };
    const live = doc(trust);
    const { outcome, after } = await codify(
      { 'main.tf': rolePolicyTf },
      aDrift('aws_iam_role.ci', [{ path: ['assume_role_policy'], recorded: 'x', live }]),
    );
    expect(outcome.refused).toEqual([]);
    expect(after['main.tf']).toContain(`  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "ec2.amazonaws.com",
        "AWS": "arn:aws:iam::123456789012:root"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
}
`);
    // Only the heredoc changed.
    expect(
      after['main.tf']!.slice(after['main.tf']!.indexOf('resource "aws_iam_role_policy"')),
    ).toBe(rolePolicyTf.slice(rolePolicyTf.indexOf('resource "aws_iam_role_policy"')));
    expect(formatHcl(after['main.tf']!)).toBe(after['main.tf']);
    expect(await documentIn(after['main.tf']!, 'aws_iam_role.ci', 'assume_role_policy')).toBe(live);
  });

  it('keeps a <<-EOT heredoc indented, and escapes ${ (a bucket policy)', async () => {
    const tf = `resource "aws_s3_bucket_policy" "artifacts" {
  bucket = "artifacts"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Sid": "ReadArtifacts", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}]
    }
  EOT
}
`;
    const live = doc({ ...homeDirectory, Principal: '*' });
    const { outcome, after } = await codify(
      { 'main.tf': tf },
      aDrift('aws_s3_bucket_policy.artifacts', [{ path: ['policy'], recorded: 'x', live }]),
    );
    expect(outcome.refused).toEqual([]);
    expect(after['main.tf']).toBe(`resource "aws_s3_bucket_policy" "artifacts" {
  bucket = "artifacts"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "HomeDirectory",
          "Effect": "Allow",
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::artifacts/home/$\${aws:username}/*",
          "Condition": {
            "StringEquals": {
              "aws:SourceAccount": "123456789012"
            }
          },
          "Principal": "*"
        }
      ]
    }
  EOT
}
`);
    expect(formatHcl(after['main.tf']!)).toBe(after['main.tf']);
    expect(await documentIn(after['main.tf']!, 'aws_s3_bucket_policy.artifacts', 'policy')).toBe(
      live,
    );
  });

  it('rewrites a quoted JSON string as JSON, and a document held in a local used once', async () => {
    const tf = `locals {
  read_policy = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}"
}

resource "aws_iam_policy" "read" {
  name   = "read"
  policy = local.read_policy
}
`;
    const live = doc(read);
    const { outcome, after } = await codify(
      { 'main.tf': tf },
      aDrift('aws_iam_policy.read', [{ path: ['policy'], recorded: 'x', live }]),
    );
    expect(outcome.refused).toEqual([]);
    const quoted = `"${live.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    expect(after['main.tf']).toBe(
      tf.replace(/read_policy = .*\n/, () => `read_policy = ${quoted}\n`),
    );
    expect(await documentIn(after['main.tf']!, 'aws_iam_policy.read', 'policy')).toBe(live);
  });
});

describe('codify refuses policies it cannot rewrite, saying where to act', () => {
  async function refusalOf(tf: string, drift: Drift) {
    const { outcome, after } = await codify({ 'main.tf': tf }, drift);
    expect(after['main.tf']).toBe(tf);
    expect(outcome.refused).toHaveLength(1);
    return outcome.refused[0]!;
  }
  const drift = (address: string) =>
    aDrift(address, [{ path: ['policy'], recorded: doc(read), live: doc(read, homeDirectory) }]);

  it('a policy built by an aws_iam_policy_document data source', async () => {
    const tf = `data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "ci" {
  name   = "artifacts"
  role   = "ci"
  policy = data.aws_iam_policy_document.read.json
}
`;
    const refusal = await refusalOf(tf, drift('aws_iam_role_policy.ci'));
    expect(refusal).toMatchObject({
      path: 'policy',
      file: 'main.tf',
      line: 1,
      reason:
        'the policy is built by data source aws_iam_policy_document.read (main.tf:1): codify does not rewrite the statements of a policy document data source; edit its statement blocks by hand to grant what live grants',
    });
  });

  it('a policy read from a file by file() or templatefile()', async () => {
    const tf = `resource "aws_iam_policy" "read" {
  name   = "read"
  policy = templatefile("\${path.module}/policies/read.json.tpl", { bucket = "artifacts" })
}
`;
    const refusal = await refusalOf(tf, drift('aws_iam_policy.read'));
    expect(refusal).toMatchObject({ file: 'main.tf', line: 3 });
    expect(refusal.reason).toBe(
      'the policy is read from the file "${path.module}/policies/read.json.tpl" by templatefile(...) (main.tf:3): codify edits only Terraform code; change that file by hand',
    );
    const plain = await refusalOf(
      tf.replace(/templatefile\(.*\)/, 'file("policies/read.json")'),
      drift('aws_iam_policy.read'),
    );
    expect(plain.reason).toContain('read from the file "policies/read.json" by file(...)');
  });

  it('a jsonencode document that refers to another resource', async () => {
    const tf = `resource "aws_iam_policy" "read" {
  name = "read"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "\${aws_s3_bucket.artifacts.arn}/*"
      },
    ]
  })
}
`;
    const refusal = await refusalOf(tf, drift('aws_iam_policy.read'));
    expect(refusal).toMatchObject({ file: 'main.tf', line: 9 });
    expect(refusal.reason).toContain(
      'the jsonencode document refers to `"${aws_s3_bucket.artifacts.arn}/*"` (main.tf:9)',
    );
  });
});

describe('the semantic check of a codified policy document', () => {
  it('rejects code whose document does not grant what live grants', async () => {
    const live = doc(read, homeDirectory);
    const drift = aDrift('aws_iam_role_policy.ci', [
      { path: ['policy'], recorded: doc(read), live },
    ]);
    const { outcome, after } = await codify({ 'main.tf': rolePolicyTf }, drift);
    const before = await contextOf('.', new Map([['main.tf', rolePolicyTf]]), { verify: false });
    const plan = outcome.codified[0]!;
    const good = await contextOf('.', new Map(Object.entries(after)), { verify: false });
    expect(semanticViolation(before, good, drift, plan)).toBeUndefined();
    // The same edit with one action dropped: it parses, but no longer says what live says.
    const wrongText = after['main.tf']!.replace(
      'Action   = "s3:PutObject"',
      'Action   = "s3:GetObject"',
    );
    const wrong = await contextOf('.', new Map([['main.tf', wrongText]]), { verify: false });
    expect(semanticViolation(before, wrong, drift, plan)).toBe(
      'the codified policy of aws_iam_role_policy.ci does not grant what the live document grants',
    );
    expect(
      equivalentPolicies(await documentIn(wrongText, 'aws_iam_role_policy.ci', 'policy'), live),
    ).toBe(false);
  });
});
