/**
 * Given a repository whose ledger holds past decisions, when a stack is scanned, then each
 * drift carries the precedent (same address first, else a similar drift), the PR says it
 * with links, and `precedent: follow` lets a clear majority set the default direction.
 */
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanStackFromFlags } from '../../src/cli/scan.js';
import type { Drift } from '../../src/drift/model.js';
import { renderPullRequestBody } from '../../src/github/pr-body.js';
import { TEST_ENVIRONMENT } from '../support/records.js';
import { writeDecidedRecord } from '../support/ledger.js';

const day = (n: number) => new Date(Date.UTC(2026, 9, n));

async function scan(root: string, precedent: string): Promise<Map<string, Drift>> {
  const config = join(root, '.github/driftgate.yml');
  await writeFile(
    config,
    `stacks:\n  - name: prod-network\n    dir: prod-network\n    environment: prod\nprecedent: ${precedent}\n`,
  );
  const report = await scanStackFromFlags(join(root, 'prod-network'), {
    config,
    planJson: join(root, 'prod-network/refresh-only.plan.json'),
  } as never);
  return new Map(report.drifts.map((drift) => [drift.address, drift]));
}

describe('precedent from the ledger', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'driftgate-precedent-'));
    await cp('examples/prod-network', join(root, 'prod-network'), { recursive: true });
    await mkdir(join(root, '.github'));
    const vpc = { stack: 'prod-network', address: 'aws_vpc.main' };
    const tag = [{ path: 'tags.CostCenter', recorded: 'a', live: 'b' }];
    await writeDecidedRecord(root, {
      ...vpc,
      fingerprint: 'b000000000000001',
      detectedAt: day(1),
      executedAt: day(2),
      direction: 'codify',
      mergedBy: 'alice',
      pullRequest: 11,
      changes: tag,
    });
    await writeDecidedRecord(root, {
      ...vpc,
      fingerprint: 'b000000000000002',
      detectedAt: day(5),
      executedAt: day(6),
      direction: 'codify',
      mergedBy: 'alice',
      pullRequest: 12,
      changes: tag,
    });
    await writeDecidedRecord(root, {
      ...vpc,
      fingerprint: 'b000000000000003',
      detectedAt: day(9),
      executedAt: day(9),
      direction: 'revert',
      mergedBy: 'bob',
      pullRequest: 13,
      changes: tag,
    });
    // Not merged: no decision.
    await writeDecidedRecord(root, {
      ...vpc,
      fingerprint: 'b000000000000004',
      detectedAt: day(10),
      executedAt: null,
      direction: 'revert',
      changes: tag,
    });
    // Another stack's group, same type, same attribute and the same (widening) direction.
    await writeDecidedRecord(root, {
      stack: 'staging-network',
      address: 'aws_security_group.api',
      fingerprint: 'b000000000000005',
      detectedAt: day(3),
      executedAt: day(3),
      direction: 'revert',
      mergedBy: 'carol',
      pullRequest: 21,
      changes: [{ path: 'ingress[0].cidr_blocks', recorded: [], live: ['0.0.0.0/0'] }],
      security: { direction: 'widening', explanation: 'opened' },
    });
  });

  it('finds past decisions on the same address, and on similar drifts elsewhere', async () => {
    const drifts = await scan(root, 'show');
    expect(drifts.get('aws_vpc.main')!.precedent).toMatchObject({
      match: 'address',
      decisions: [{ pullRequest: 13 }, { pullRequest: 12 }, { pullRequest: 11 }],
    });
    expect(drifts.get('aws_security_group.web')!.precedent).toMatchObject({
      match: 'similar',
      decisions: [{ stack: 'staging-network', decidedBy: 'carol', direction: 'revert' }],
    });
    expect(drifts.get('aws_db_instance.orders')!.precedent).toBeUndefined();
    // show: the direction is policy's own.
    expect(drifts.get('aws_vpc.main')!.direction).toBe('revert');
  });

  it('the PR shows the precedent with links', async () => {
    const drift = (await scan(root, 'show')).get('aws_vpc.main')!;
    expect(drift.cause).toBe('unknown');
    const body = renderPullRequestBody(TEST_ENVIRONMENT.metadataKey, {
      drift,
      direction: 'revert',
      tier: 2,
      revert: { operations: [], refusals: [], terraformCommands: [] },
      codifyDiff: '',
      codifyRefusals: [],
    });
    expect(body).toContain(
      // Mentions are escaped so a PR never pings past deciders.
      '### Precedent\n\n3 on this resource: codified twice by @\u2060alice, reverted once by @\u2060bob — #13 (revert), #12 (codify), #11 (codify).',
    );
  });

  it('precedent: follow — a clear majority sets the default direction, and says so; one decision does not', async () => {
    const drifts = await scan(root, 'follow');
    expect(drifts.get('aws_vpc.main')).toMatchObject({
      direction: 'codify',
      directionReason:
        'precedent (precedent: follow): 3 on this resource: codified twice by @alice, reverted once by @bob — a clear majority codified',
    });
    expect(drifts.get('aws_security_group.web')!.direction).toBe('revert');
    expect(drifts.get('aws_security_group.web')!.directionReason).not.toMatch(/precedent/);
  });
});

describe('a stale-state PR', () => {
  it('says the code already says it instead of "cannot codify"', () => {
    const body = renderPullRequestBody(TEST_ENVIRONMENT.metadataKey, {
      drift: {
        stack: 's',
        address: 'aws_vpc.main',
        type: 'aws_vpc',
        action: 'update',
        changes: [{ path: ['tags', 'Owner'], recorded: null, live: 'ops', sensitive: false }],
        fingerprint: '0000000000000000',
        source: 'aws',
        attribution: null,
        tier: 1,
        tierReason: null,
        direction: 'codify',
        directionReason: 'stale',
        security: null,
        cause: 'stale-state',
        causeReason:
          'the code on the default branch already equals live; the recorded state is behind',
      },
      direction: 'codify',
      tier: 1,
      revert: { operations: [], refusals: [], terraformCommands: [] },
      codifyDiff: '',
      codifyRefusals: [],
    });
    expect(body).toContain('**Cause: stale-state**');
    expect(body).toContain('The code already says what is live: nothing to change.');
    expect(body).not.toContain('cannot codify');
  });
});
