import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DriftgateError } from '../../src/errors.js';
import {
  mayExecute,
  mayMerge,
  mayWritePullRequests,
  modeOfStack,
  stricterMode,
} from '../../src/policy/modes.js';

const config = (extra: string, stackExtra = '') =>
  parseConfig(
    `stacks:\n  - name: net\n    dir: envs/net\n${stackExtra}  - name: dev\n    dir: envs/dev\n${extra}`,
  );

describe('modes', () => {
  it('a repository without `mode` remediates; a stack inherits the repository mode unless it sets its own', () => {
    expect(modeOfStack(config(''), 'net')).toBe('remediate');
    const mixed = config('mode: report\n', '    mode: propose\n');
    expect(modeOfStack(mixed, 'net')).toBe('propose');
    expect(modeOfStack(mixed, 'dev')).toBe('report');
  });

  it("the stricter of the config's mode and a caller's cap wins (the Action's input)", () => {
    expect(stricterMode('report', 'propose')).toBe('report');
    expect(stricterMode('remediate', 'propose')).toBe('propose');
    expect(stricterMode('propose', 'propose')).toBe('propose');
    expect(stricterMode('propose', 'remediate')).toBe('propose');
    expect(stricterMode('remediate', 'report')).toBe('report');
  });

  it('report writes nothing; propose writes PRs but never merges or executes', () => {
    expect([mayWritePullRequests('report'), mayMerge('report'), mayExecute('report')]).toEqual([
      false,
      false,
      false,
    ]);
    expect([mayWritePullRequests('propose'), mayMerge('propose'), mayExecute('propose')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([
      mayWritePullRequests('remediate'),
      mayMerge('remediate'),
      mayExecute('remediate'),
    ]).toEqual([true, true, true]);
  });

  it('an unknown mode is a one-line error naming the file, line and the allowed modes', () => {
    let error: unknown;
    try {
      config('mode: watch\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DriftgateError);
    const message = (error as DriftgateError).format();
    expect(message).toContain('.github/driftgate.yml');
    expect(message).toMatch(/report.*propose.*remediate/);
  });

  it('guard.block_tiers defaults to tier 3 and accepts only tiers', () => {
    expect(config('').guard.block_tiers).toEqual([3]);
    expect(config('guard:\n  block_tiers: [2, 3]\n').guard.block_tiers).toEqual([2, 3]);
    expect(() => config('guard:\n  block_tiers: [4]\n')).toThrow(DriftgateError);
  });
});
