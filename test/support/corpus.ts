/**
 * Real Terraform state and plan JSON files from HashiCorp's repositories (MPL-2.0), copied
 * into the repository so that a clone alone runs every test (see SOURCE.md beside them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CORPUS = join(import.meta.dirname, '../fixtures/corpus');

export function corpusFiles(predicate: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (predicate(name)) out.push(relative(CORPUS, full));
    }
  };
  walk(CORPUS);
  return out;
}

export function corpusText(path: string): string {
  return readFileSync(join(CORPUS, path), 'utf8');
}

export const isStateFile = (name: string) =>
  name.endsWith('.tfstate') || name === 'state.json' || name === 'show.json';
export const isPlanFile = (name: string) => name === 'plan.json' || /^output.*\.json$/.test(name);
