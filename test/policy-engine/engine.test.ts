/**
 * The policy engine on code as the codify patch leaves it: the default OPA bundle
 * (policies/dist/policy.wasm) reads resources the way Terraform would see their arguments.
 */
import { describe, expect, it } from 'vitest';
import { contextOf } from '../../src/remediation/codify/codify.js';
import { evaluatePolicies, loadDefaultBundle } from '../../src/policy-engine/engine.js';
import { policyInputOf, rangeOfPath } from '../../src/policy-engine/input.js';
import { findResource } from '../../src/terraform/stack.js';

const IAM_TF = `variable "public" {
  default = true
}

resource "aws_iam_policy" "deploy" {
  name = "deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:*"], Resource = "*" },
    ]
  })
}

resource "aws_db_instance" "main" {
  engine              = "postgres"
  publicly_accessible = var.public
}
`;

async function findingsOf(text: string, addresses: string[]) {
  const context = await contextOf('.', new Map([['main.tf', text]]), { verify: false });
  const input = await policyInputOf(context, addresses);
  return { context, findings: await evaluatePolicies([await loadDefaultBundle()], input) };
}

describe('the default policy bundle on parsed code', () => {
  it('reads jsonencode(...) policies and variables as Terraform would, and points at their lines', async () => {
    const { context, findings } = await findingsOf(IAM_TF, [
      'aws_iam_policy.deploy',
      'aws_db_instance.main',
    ]);
    expect(findings.map((finding) => [finding.rule, finding.address, finding.message])).toEqual([
      ['DG-DB-001', 'aws_db_instance.main', 'the database instance is publicly accessible'],
      ['DG-IAM-001', 'aws_iam_policy.deploy', 'the policy allows the wildcard action "s3:*"'],
    ]);
    const iam = findings.find((finding) => finding.rule === 'DG-IAM-001')!;
    const block = findResource(context.stack, iam.address)!.block;
    expect(rangeOfPath(block, iam.path).line).toBe(7);
    const db = findings.find((finding) => finding.rule === 'DG-DB-001')!;
    expect(rangeOfPath(findResource(context.stack, db.address)!.block, db.path).line).toBe(17);
  });

  it('judges only the resources it is given', async () => {
    const { findings } = await findingsOf(IAM_TF, ['aws_iam_policy.deploy']);
    expect(findings.map((finding) => finding.rule)).toEqual(['DG-IAM-001']);
  });

  it('a value it cannot know (another resource’s attribute) is left out, not guessed', async () => {
    const { findings } = await findingsOf(
      'resource "aws_db_instance" "main" {\n  publicly_accessible = aws_ssm_parameter.flag.value\n}\n',
      ['aws_db_instance.main'],
    );
    expect(findings).toEqual([]);
  });

  it('a team bundle that is not an OPA wasm policy is a one-line error naming it', async () => {
    const context = await contextOf('.', new Map([['main.tf', IAM_TF]]), { verify: false });
    const input = await policyInputOf(context, ['aws_iam_policy.deploy']);
    await expect(
      evaluatePolicies(
        [{ name: '.github/driftgate/policies/team.wasm', wasm: new TextEncoder().encode('nope') }],
        input,
      ),
    ).rejects.toThrow(/^not an OPA WebAssembly policy/);
    await expect(
      evaluatePolicies(
        [{ name: '.github/driftgate/policies/team.wasm', wasm: new TextEncoder().encode('nope') }],
        input,
      ),
    ).rejects.toMatchObject({ location: { file: '.github/driftgate/policies/team.wasm' } });
  });
});
