/**
 * The process-level tests run what `npm start` runs: dist/. Build it when it is missing or
 * older than a source file (CI builds just before the tests, so this is then a no-op).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default function setup(): void {
  let built = 0;
  try {
    built = statSync('dist/server.js').mtimeMs;
  } catch {
    built = 0;
  }
  if (built > newest('src')) return;
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
