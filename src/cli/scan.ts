/** `driftgate scan [DIR]`: report drift of one stack, from a plan JSON or a live AWS scan. */
import { basename, dirname, relative, resolve } from 'node:path';
import type { StackReport } from '../report/model.js';
import { loadConfigFile } from '../config/load.js';
import { assertStackDirInsideRepository } from '../config/repository-path.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import { localLedgerFiles, readPastDecisions } from '../context/ledger-source.js';
import { DriftgateError } from '../errors.js';
import { countDrifts, type ScanReport } from '../report/model.js';
import { renderJson, renderMarkdown, renderText } from '../report/render.js';
import {
  DEFAULT_ATTRIBUTION,
  EMPTY_POLICY,
  scanStackFromPlan,
  scanStackLive,
  stackReader,
  type StackReader,
} from '../scan/scan-stack.js';
import type { ScanFlags } from './commands.js';
import { EXIT_DRIFT, type CliIo } from './io.js';
import { connectionOptions, type StackSourceFlags } from './options.js';
import { resolveStateLocation } from './shared.js';

export type ScanStackConfig = Pick<StackConfig, 'name' | 'environment'> &
  Partial<Pick<StackConfig, 'state' | 'workspace' | 'aws'>>;

export async function runScan(
  io: CliIo,
  setExitCode: (code: number) => void,
  dir: string,
  flags: ScanFlags,
): Promise<void> {
  const stackReport = await scanStackFromFlags(dir, flags);
  const report: ScanReport = { generatedAt: new Date().toISOString(), stacks: [stackReport] };
  const render = { json: renderJson, markdown: renderMarkdown, text: renderText }[flags.format];
  io.stdout(render(report));
  if (flags.detailedExitcode && countDrifts(report) > 0) setExitCode(EXIT_DRIFT);
}

/**
 * Find a stack's drift: from --plan-json, else by a live AWS scan of its state. The stack's
 * code is read (parsed) once, through `readStack`; codify passes its own to reuse it.
 */
export async function scanStackFromFlags(
  dir: string,
  flags: StackSourceFlags,
  readStack: StackReader = stackReader(dir),
): Promise<StackReport> {
  const { stackConfig, policy, attribution, repoRoot } = await resolveStackConfig(dir, flags);
  // Precedent: the ledger of the checkout the config belongs to (docs/context.md).
  const pastDecisions =
    repoRoot && policy.precedent !== 'off'
      ? await readPastDecisions(localLedgerFiles(repoRoot))
      : undefined;
  const common = { dir, stackConfig, policy, now: new Date(), readStack, pastDecisions };
  if (flags.planJson) return scanStackFromPlan({ ...common, planPath: flags.planJson });
  const workspace = flags.workspace ?? stackConfig.workspace;
  // The AWS SDK is loaded by the live scan only: a plan-fed scan or codify starts without it.
  const { AwsSession } = await import('../cloud/aws/session.js');
  const session = new AwsSession({
    ...connectionOptions(flags),
    region: flags.region ?? stackConfig.aws?.region,
    roleArn: stackConfig.aws?.role,
  });
  try {
    const stateLocation =
      flags.state ?? stackConfig.state ?? (await resolveStateLocation(dir, workspace, readStack));
    return await scanStackLive({ ...common, session, stateLocation, workspace, attribution });
  } finally {
    session.destroy();
  }
}

/**
 * The stack a directory is: named by --stack, else the config's stack whose `dir` is this
 * directory, else an unconfigured stack named after the directory. `repoRoot` is the folder
 * holding `.github/` when there is a config.
 */
export async function resolveStackConfig(
  dir: string,
  flags: StackSourceFlags,
): Promise<{
  stackConfig: ScanStackConfig;
  repoRoot?: string | undefined;
  policy: Pick<DriftgateConfig, 'ignore' | 'tiers' | 'hotfix_tag'> &
    Partial<Pick<DriftgateConfig, 'cause' | 'direction_rules' | 'precedent'>>;
  attribution: DriftgateConfig['attribution'];
}> {
  const fallbackName = basename(resolve(dir)).replace(/[^A-Za-z0-9._-]/g, '-');
  if (!flags.config) {
    return {
      stackConfig: {
        name: flags.stack ?? fallbackName,
        environment: flags.environment ?? 'default',
      },
      policy: EMPTY_POLICY,
      attribution: DEFAULT_ATTRIBUTION,
    };
  }
  const config = await loadConfigFile(flags.config);
  // Stack dirs in the config are relative to the repository root: the folder holding .github/.
  const configDir = dirname(resolve(flags.config));
  const repoRoot = basename(configDir) === '.github' ? dirname(configDir) : configDir;
  const wanted = relative(repoRoot, resolve(dir)) || '.';
  const stack = flags.stack
    ? config.stacks.find((candidate) => candidate.name === flags.stack)
    : config.stacks.find(
        (candidate) => (relative(repoRoot, resolve(repoRoot, candidate.dir)) || '.') === wanted,
      );
  if (flags.stack && !stack) {
    throw new DriftgateError(`no stack named "${flags.stack}" in the config`, {
      file: flags.config,
    });
  }
  if (stack)
    await assertStackDirInsideRepository(repoRoot, stack.dir, {
      file: flags.config,
      key: `stacks[${config.stacks.indexOf(stack)}].dir`,
    });
  return {
    stackConfig: stack ?? { name: fallbackName, environment: flags.environment ?? 'default' },
    repoRoot,
    policy: config,
    attribution: config.attribution,
  };
}
