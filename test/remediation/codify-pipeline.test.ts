/**
 * Codify plans each drift while HashiCorp's check of the edits before it is still running
 * (on a worker thread, or not). The outcome must be the one of checking every edit before
 * planning the next: same texts, same codified and refused drifts, in drift order, also
 * when a check fails part-way and the edits planned after it must be taken again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  codifyDrifts,
  type CodifyOutcome,
  type HashicorpReader,
  type SourceFile,
} from '../../src/remediation/codify/codify.js';
import { parseWithHashicorp } from '../../src/terraform/hashicorp-parser.js';
import {
  startHashicorpThread,
  type HashicorpThread,
} from '../../src/terraform/hashicorp-thread.js';
import type { Drift } from '../../src/drift/model.js';
import { aDrift } from '../support/drift-builder.js';

const COUNT = 12;

function stack(): SourceFile[] {
  const text = Array.from(
    { length: COUNT },
    (_, i) => `# app ${i}
resource "aws_instance" "app_${i}" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  tags = {
    Name = "app-${i}"
  }
}
`,
  ).join('\n');
  return [{ path: 'main.tf', text }];
}

/** Two drifts per resource, so a refused edit changes what the next drift's edit is planned on. */
function drifts(): Drift[] {
  return Array.from({ length: COUNT }, (_, i) => [
    aDrift(`aws_instance.app_${i}`, [
      { path: ['instance_type'], recorded: 't3.micro', live: i === 4 ? 't3.refused' : 't3.large' },
    ]),
    aDrift(`aws_instance.app_${i}`, [
      { path: ['tags', 'Owner'], recorded: null, live: `team-${i}` },
    ]),
  ]).flat();
}

/**
 * HashiCorp's parser, except that it rejects any text holding `t3.refused`: the check of
 * that one edit fails (as a text the parser cannot read would), and if a later edit were
 * planned on top of it, that edit's "before" text would hold it too and be rejected.
 */
const rejecting = (parse: HashicorpReader['parse']): HashicorpReader => ({
  parse: (text) =>
    text.includes('t3.refused') ? Promise.resolve({ kind: 'rejected' }) : parse(text),
});

/** The reference: each drift codified alone, on the texts the ones before it left. */
async function oneByOne(reader: HashicorpReader): Promise<Omit<CodifyOutcome, 'context'>> {
  let files = stack();
  const codified: CodifyOutcome['codified'] = [];
  const refused: CodifyOutcome['refused'] = [];
  for (const drift of drifts()) {
    const outcome = await codifyDrifts('.', files, [drift], { hashicorp: reader });
    codified.push(...outcome.codified);
    refused.push(...outcome.refused);
    files = [...outcome.after].map(([path, text]) => ({ path, text }));
  }
  return {
    before: new Map(stack().map((file) => [file.path, file.text])),
    after: new Map(files.map((file) => [file.path, file.text])),
    codified,
    refused,
  };
}

const summary = (outcome: Omit<CodifyOutcome, 'context'>) => ({
  after: [...outcome.after],
  codified: outcome.codified.map((plan) => JSON.stringify(plan)),
  refused: outcome.refused,
});

let thread: HashicorpThread | undefined;
afterEach(async () => {
  await thread?.close();
  thread = undefined;
});

describe('codify with its checks running ahead', () => {
  const onThisThread: HashicorpReader['parse'] = async (text) => parseWithHashicorp(text);

  it('gives the outcome of one drift at a time when a check fails part-way', async () => {
    const reader = rejecting(onThisThread);
    const expected = await oneByOne(reader);
    const outcome = await codifyDrifts('.', stack(), drifts(), { hashicorp: reader });
    expect(summary(outcome)).toEqual(summary(expected));
    // The failed check refused exactly one drift; the second drift of that resource and
    // every other drift were codified on texts without the refused edit.
    expect(outcome.refused.map((refusal) => refusal.address)).toEqual(['aws_instance.app_4']);
    expect(outcome.refused[0]!.reason).toMatch(/no longer parses with HashiCorp/);
    expect(outcome.codified).toHaveLength(2 * COUNT - 1);
    const text = outcome.after.get('main.tf')!;
    expect(text).not.toContain('t3.refused');
    expect(text.match(/instance_type = "t3.large"/g)).toHaveLength(COUNT - 1);
    expect(text).toContain('Owner = "team-4"');
  });

  it('gives the same outcome with HashiCorp’s parser on a worker thread', async () => {
    thread = startHashicorpThread();
    const expected = await codifyDrifts('.', stack(), drifts());
    const outcome = await codifyDrifts('.', stack(), drifts(), { hashicorp: thread });
    expect(summary(outcome)).toEqual(summary(expected));
    expect(outcome.refused).toEqual([]);
    const threaded = await codifyDrifts('.', stack(), drifts(), {
      hashicorp: rejecting((text) => thread!.parse(text)),
    });
    expect(summary(threaded)).toEqual(summary(await oneByOne(rejecting(onThisThread))));
  });

  it('stops at the first text HashiCorp’s parser rejects before an edit, as one at a time would', async () => {
    // Rejecting every text with `app_7` makes the check of app_7's first edit throw (its
    // "before" is rejected): the error names the file, whatever ran ahead of it.
    const reader: HashicorpReader = {
      parse: (text) =>
        text.includes('"app_7"')
          ? Promise.resolve({ kind: 'rejected' })
          : Promise.resolve(parseWithHashicorp(text)),
    };
    await expect(codifyDrifts('.', stack(), drifts(), { hashicorp: reader })).rejects.toThrow(
      /HashiCorp's HCL parser rejects this file/,
    );
  });
});
