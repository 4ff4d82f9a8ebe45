/** The unified diff of a codify outcome (the `diff` package), for the CLI and PR bodies. */
import { createTwoFilesPatch } from 'diff';
import type { CodifyOutcome } from './codify.js';

export function unifiedDiff(outcome: CodifyOutcome): string {
  let out = '';
  for (const [path, before] of outcome.before) {
    const after = outcome.after.get(path)!;
    if (after !== before)
      out += createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, {
        context: 3,
      }).replace(/^=+\n/, '');
  }
  return out;
}
