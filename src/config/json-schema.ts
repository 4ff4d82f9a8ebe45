/** JSON Schema for `.github/driftgate.yml`, generated from the zod schema (editors validate with it). */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'driftgate configuration (.github/driftgate.yml)',
  };
}

export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
