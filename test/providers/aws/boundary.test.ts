import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOM = join(import.meta.dirname, '../../../src/providers/aws');

describe('the pure provider model (src/providers/aws)', () => {
  it('imports no AWS SDK and nothing from the I/O room src/cloud', () => {
    const offending = readdirSync(ROOM)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        [...readFileSync(join(ROOM, name), 'utf8').matchAll(/from '([^']+)'/g)]
          .map((match) => match[1]!)
          .filter((source) => source.startsWith('@aws-sdk/') || source.includes('/cloud/'))
          .map((source) => `${name}: ${source}`),
      );
    expect(offending).toEqual([]);
  });
});
