/** JSON Schema for `.github/driftgate.yml`, generated from the zod schema (editors validate with it). */
import { z } from 'zod';
import { configSchema } from './schema.js';

/**
 * Where the schema is published: the committed file in driftgate's repository, on its main
 * branch (editors fetch it by this URL; no schema registry is involved).
 */
export const CONFIG_SCHEMA_ID =
  'https://raw.githubusercontent.com/driftgate/driftgate/main/schema/driftgate.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: CONFIG_SCHEMA_ID,
    ...schema,
    title: 'driftgate configuration (.github/driftgate.yml)',
  };
}

export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
