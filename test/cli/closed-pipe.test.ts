/**
 * `driftgate scan … | head -1`: the reader closes the pipe before driftgate writes. The
 * real command, in a child process, must exit with its own exit code and print no stack
 * trace, as other command-line tools do.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const STACK = 'examples/prod-network';
const PLAN = `${STACK}/refresh-only.plan.json`;

/** Run the CLI with its stdout pipe closed by the reader before the first byte arrives. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    // The reader goes away at once, as `head -1` does after its line.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it('exits with the command’s own code and no stack trace', async () => {
    const result = await runWithClosedStdout([
      'scan',
      STACK,
      '--plan-json',
      PLAN,
      '--format',
      'json',
      '--detailed-exitcode',
    ]);
    expect(result.stderr).not.toMatch(/EPIPE|Error:|\n\s+at /);
    expect(result.stderr).toBe('');
    // Drift was found: the exit code says so even though nobody read the report.
    expect(result.code).toBe(2);
  }, 30_000);
});
