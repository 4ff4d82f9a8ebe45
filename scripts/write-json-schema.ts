// Regenerates schema/driftgate.schema.json from the zod schema: `npm run schema`.
import { writeFile } from 'node:fs/promises';
import { renderConfigJsonSchema } from '../src/config/json-schema.js';

await writeFile(
  new URL('../schema/driftgate.schema.json', import.meta.url),
  renderConfigJsonSchema(),
);
console.log('wrote schema/driftgate.schema.json');
