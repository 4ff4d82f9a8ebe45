import { describe, expect, it } from 'vitest';
import { contextOf, semanticViolation } from '../../src/remediation/codify/codify.js';
import { applyEdits } from '../../src/remediation/codify/apply.js';
import type { CodifyPlan } from '../../src/remediation/codify/planner.js';
import type { Drift } from '../../src/drift/model.js';
import { aDrift } from '../support/drift-builder.js';

const text =
  'resource "aws_instance" "app" {\n  ami           = "ami-1"\n  instance_type = "t3.micro"\n}\n\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n';
const drift: Drift = aDrift('aws_instance.app', [
  { path: ['instance_type'], recorded: 't3.micro', live: 't3.large' },
]);

async function check(edits: CodifyPlan['edits']) {
  const texts = new Map([['main.tf', text]]);
  const before = await contextOf('.', texts, { verify: true });
  const after = await contextOf('.', applyEdits(texts, edits), { previous: before, verify: false });
  return semanticViolation(before, after, drift, {
    address: drift.address,
    edits,
    refusals: [],
    unchanged: [],
    addedResources: [],
  });
}

describe('the semantic check after every patch', () => {
  it('accepts an edit of the codified attribute', async () => {
    const start = text.indexOf('"t3.micro"');
    expect(
      await check([
        { file: 'main.tf', start, end: start + '"t3.micro"'.length, text: '"t3.large"' },
      ]),
    ).toBeUndefined();
  });

  it('refuses an edit that also changes another attribute of the resource', async () => {
    const start = text.indexOf('"ami-1"');
    expect(await check([{ file: 'main.tf', start, end: start + 7, text: '"ami-2"' }])).toBe(
      'the edit would also change resource.aws_instance.app.0.ami in main.tf',
    );
  });

  it('refuses an edit that touches another resource', async () => {
    const start = text.indexOf('"10.0.0.0/16"');
    expect(await check([{ file: 'main.tf', start, end: start + 13, text: '"10.1.0.0/16"' }])).toBe(
      'the edit would also change resource.aws_vpc.main.0.cidr_block in main.tf',
    );
  });
});
