/**
 * The policy bundles of `driftgate codify` in a checkout: driftgate's default bundle and
 * the config's `policy_checks.bundles`, read from the repository root (the folder holding
 * `.github/`), as the app reads them from the default branch.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { DriftgateError } from '../errors.js';
import { loadDefaultBundle, type PolicyBundle } from '../policy-engine/engine.js';

export async function cliPolicyBundles(configPath: string | undefined): Promise<PolicyBundle[]> {
  const bundles = [await loadDefaultBundle()];
  if (!configPath) return bundles;
  const config = await loadConfigFile(configPath);
  const configDir = dirname(resolve(configPath));
  const repoRoot = basename(configDir) === '.github' ? dirname(configDir) : configDir;
  for (const [index, path] of config.policy_checks.bundles.entries()) {
    try {
      bundles.push({ name: path, wasm: await readFile(resolve(repoRoot, path)) });
    } catch {
      throw new DriftgateError(
        `policy_checks.bundles[${index}]: policy bundle ${path} not found in the repository`,
        { file: configPath },
      );
    }
  }
  return bundles;
}
