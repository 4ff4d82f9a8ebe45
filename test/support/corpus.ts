/** The shared corpus: real Terraform state and plan JSON files from HashiCorp's repositories. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CORPUS = join(import.meta.dirname, '../../../shared/corpus');

/** Present in the project's CI (../shared beside the clone); absent in a plain fork. */
export const HAS_CORPUS = existsSync(CORPUS);

export function corpusFiles(predicate: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (predicate(name)) out.push(relative(CORPUS, full));
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out;
}

export function corpusText(path: string): string {
  return readFileSync(join(CORPUS, path), 'utf8');
}

export const isStateFile = (name: string) =>
  name.endsWith('.tfstate') || name === 'state.json' || name === 'show.json';
export const isPlanFile = (name: string) => name === 'plan.json' || /^output.*\.json$/.test(name);
