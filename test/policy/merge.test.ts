import { describe, expect, it } from 'vitest';
import {
  checksVerdict,
  decideMergeMode,
  decideTierLabels,
  tierFromLabels,
} from '../../src/policy/merge.js';

const floor2 = { tier: 2 as const, reason: 'built-in rule: security group or IAM' };

describe('merge modes by tier', () => {
  const protectedRepo = { allowAutoMerge: true, requiredChecks: ['ci/test'] };
  it('tier 1 uses GitHub auto-merge only when the repository allows it and a check is required', () => {
    expect(decideMergeMode(1, protectedRepo)).toEqual({ kind: 'github-auto-merge' });
    expect(decideMergeMode(1, { ...protectedRepo, allowAutoMerge: false })).toEqual({
      kind: 'self-merge',
      why: 'auto-merge-disabled-in-repository',
    });
    expect(decideMergeMode(1, { ...protectedRepo, requiredChecks: [] })).toEqual({
      kind: 'self-merge',
      why: 'no-required-checks',
    });
  });
  it('tiers 2 and 3 never merge on their own', () => {
    expect(decideMergeMode(2, protectedRepo)).toEqual({ kind: 'review-required' });
    expect(decideMergeMode(3, protectedRepo)).toEqual({ kind: 'advisory' });
  });
});

describe('checks verdict', () => {
  it('is green only when every check and status finished passing', () => {
    expect(
      checksVerdict([
        { name: 'lint', status: 'completed', conclusion: 'success' },
        { name: 'docs', status: 'completed', conclusion: 'skipped' },
      ]),
    ).toEqual({ kind: 'green', count: 2 });
    expect(
      checksVerdict([
        { name: 'lint', status: 'completed', conclusion: 'success' },
        { name: 'test', status: 'in_progress', conclusion: null },
      ]),
    ).toEqual({ kind: 'pending', names: ['test'] });
    expect(
      checksVerdict([
        { name: 'test', status: 'in_progress', conclusion: null },
        { name: 'plan', status: 'completed', conclusion: 'failure' },
      ]),
    ).toEqual({ kind: 'failing', names: ['plan'] });
  });
});

describe('tier labels against the policy floor', () => {
  it('reads the highest tier label', () => {
    expect(tierFromLabels(['driftgate:revert', 'driftgate:tier-1', 'driftgate:tier-3'])).toBe(3);
    expect(tierFromLabels(['driftgate:revert'])).toBeUndefined();
  });
  it('keeps a label at the floor, respects a raise, restores a lowering', () => {
    expect(decideTierLabels(['driftgate:tier-2'], floor2)).toEqual({ kind: 'consistent', tier: 2 });
    expect(decideTierLabels(['driftgate:tier-3', 'x'], floor2)).toEqual({
      kind: 'raised',
      tier: 3,
      floor: 2,
    });
    expect(decideTierLabels(['x', 'driftgate:tier-1'], floor2)).toMatchObject({
      kind: 'restore',
      tier: 2,
      labels: ['x', 'driftgate:tier-2'],
    });
  });
  it('leaves one tier label when several are set', () => {
    expect(decideTierLabels(['driftgate:tier-2', 'driftgate:tier-3'], floor2)).toEqual({
      kind: 'raised',
      tier: 3,
      floor: 2,
      labels: ['driftgate:tier-3'],
    });
  });
});
