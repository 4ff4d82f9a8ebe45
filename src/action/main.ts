/**
 * The Action's entry (bundled to dist-action/index.js by `npm run build:action`): read the
 * inputs, run, write the JSON report, the job summary and the outputs, and exit 0, 1 (an
 * error), or 2 (drift found, with detailed-exitcode) — the CLI's codes.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeError } from '../errors.js';
import { countDrifts } from '../report/model.js';
import { renderJson } from '../report/render.js';
import { readInputs, readWorkflowRun, type ActionInputs, type WorkflowRun } from './inputs.js';
import { actionOctokit } from './octokit.js';
import { runAction } from './run.js';
import {
  outputsOf,
  renderFailure,
  renderOutputs,
  renderSummary,
  workflowError,
} from './summary.js';

/** A line in the step's log (workflow commands are read from stdout). */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function main(env: NodeJS.ProcessEnv): Promise<number> {
  let inputs: ActionInputs;
  let run: WorkflowRun;
  try {
    inputs = readInputs(env);
    run = readWorkflowRun(env);
  } catch (error) {
    say(workflowError(describeError(error)));
    return 1;
  }
  try {
    const outcome = await runAction(inputs, run, {
      octokit: actionOctokit(inputs.token, run.apiUrl),
      now: new Date(),
      warn: (message) => say(`::warning title=driftgate::${message}`),
    });
    await mkdir(dirname(inputs.reportPath), { recursive: true });
    await writeFile(inputs.reportPath, renderJson(outcome.report));
    if (run.summaryPath) await appendFile(run.summaryPath, renderSummary(outcome, inputs.mode));
    if (run.outputPath)
      await appendFile(run.outputPath, renderOutputs(outputsOf(outcome, inputs.reportPath)));
    const drifts = countDrifts(outcome.report);
    say(
      `driftgate: ${drifts} drift(s) in ${outcome.report.stacks.length} stack(s); report at ${inputs.reportPath}`,
    );
    for (const error of outcome.errors)
      say(workflowError(`stack ${error.stack}: ${error.message}`));
    if (outcome.errors.length) return 1;
    return inputs.detailedExitcode && drifts > 0 ? 2 : 0;
  } catch (error) {
    const message = describeError(error);
    say(workflowError(message));
    if (run.summaryPath) await appendFile(run.summaryPath, renderFailure(message)).catch(() => {});
    return 1;
  }
}

process.exitCode = await main(process.env);
