/**
 * Reading `.github/driftgate.yml`: YAML syntax errors name line and column; schema
 * errors name the path of the bad key (`stacks[1].aws.role`).
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { DriftgateError, formatKeyPath } from '../errors.js';
import { configSchema, type DriftgateConfig } from './schema.js';

export const CONFIG_PATH = '.github/driftgate.yml';

export function parseConfig(text: string, source = CONFIG_PATH): DriftgateConfig {
  const document = parseDocument(text);
  const syntax = document.errors[0];
  if (syntax) {
    const position = syntax.linePos?.[0];
    throw new DriftgateError(`YAML syntax error: ${syntax.message.split('\n')[0]}`, {
      file: source,
      line: position?.line,
      column: position?.col,
    });
  }
  const result = configSchema.safeParse(document.toJS() ?? {});
  if (!result.success) throw configError(result.error, source);
  return result.data;
}

function configError(error: z.ZodError, source: string): DriftgateError {
  const lines = error.issues
    .slice(0, 5)
    .map((issue) => `${formatKeyPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 5 ? `\n  (${error.issues.length - 5} more)` : '';
  return new DriftgateError(`invalid configuration\n  ${lines.join('\n  ')}${more}`, {
    file: source,
  });
}

export async function loadConfigFile(path: string): Promise<DriftgateConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DriftgateError(
      `cannot read config: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  return parseConfig(text, path);
}
