/**
 * Reading `.github/driftgate.yml`: YAML errors (syntax, aliases) name line and column; schema
 * errors name the path of the bad key (`stacks[1].aws.role`).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DriftgateError, formatKeyPath, type ErrorLocation } from '../errors.js';
import { parseYamlInput } from '../yaml-input.js';
import { configSchema, type DriftgateConfig } from './schema.js';

export const CONFIG_PATH = '.github/driftgate.yml';

export function parseConfig(text: string, source = CONFIG_PATH): DriftgateConfig {
  const input = parseYamlInput(text, source);
  return validateConfig(input.value ?? {}, (path) => input.locate(path));
}

/** Validate config data (one file's, or files merged by `_extends`); `locate` names the file and line of a key. */
export function validateConfig(
  value: unknown,
  locate: (path: readonly PropertyKey[]) => ErrorLocation,
): DriftgateConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) throw configError(result.error, locate);
  return result.data;
}

function configError(
  error: z.ZodError,
  locate: (path: readonly PropertyKey[]) => ErrorLocation,
): DriftgateError {
  const lines = error.issues
    .slice(0, 5)
    .map((issue) => `${formatKeyPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 5 ? `\n  (${error.issues.length - 5} more)` : '';
  // The first issue's position, so an editor can jump to it.
  return new DriftgateError(
    `invalid configuration\n  ${lines.join('\n  ')}${more}`,
    locate(error.issues[0]?.path ?? []),
  );
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
