/**
 * `driftgate drill --stack S`: put one safe, recorded drift (a tag) on a tier-1 resource of
 * the stack, with the stack's apply role, for a learner to find and fix by hand.
 * `driftgate drill --check --stack S [--answer ADDRESS]`: score it (found, fixed, time) and
 * always clean up: the tag is removed if still there, and the record deleted.
 * The record lives in `.driftgate/drills/<stack>.json` of the checkout.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { awsClientConfig } from '../cloud/aws/clients.js';
import { AwsSession } from '../cloud/aws/session.js';
import {
  chooseDrillTarget,
  DRILL_TAG,
  drillRecordSchema,
  scoreDrill,
  type DrillRecord,
} from '../context/drill.js';
import { DriftgateError } from '../errors.js';
import { tierDecider } from '../policy/tiers.js';
import { readState } from '../terraform/state-source.js';
import { loadConfigFile } from '../config/load.js';
import type { CliIo } from './io.js';
import type { DrillFlags } from './commands.js';
import { connectionOptions } from './options.js';
import { resolveStackConfig } from './scan.js';
import { resolveStateLocation } from './shared.js';

function recordPath(repoRoot: string, stack: string): string {
  return join(repoRoot, '.driftgate', 'drills', `${stack}.json`);
}

async function readRecord(path: string): Promise<DrillRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DriftgateError(
      'no drill running for this stack (start one with driftgate drill --stack S)',
      { file: path },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DriftgateError('not a driftgate drill record (not JSON)', { file: path });
  }
  const parsed = drillRecordSchema.safeParse(value);
  if (!parsed.success)
    throw new DriftgateError(
      `not a driftgate drill record: ${parsed.error.issues[0]!.path.join('.') || 'record'}: ${parsed.error.issues[0]!.message}`,
      {
        file: path,
      },
    );
  return parsed.data;
}

export async function runDrill(io: CliIo, dir: string, flags: DrillFlags): Promise<void> {
  if (!flags.config || !flags.stack)
    throw new DriftgateError(
      'a drill needs --config and --stack: the stack, its tier and its apply role come from the config',
    );
  const config = await loadConfigFile(flags.config);
  const { stackConfig: stack, repoRoot } = await resolveStackConfig(dir, flags);
  const root = repoRoot ?? dir;
  const region = flags.region ?? stack.aws?.region;
  const session = new AwsSession({
    ...connectionOptions(flags),
    region,
    roleArn: stack.aws?.apply_role,
    sessionName: 'driftgate-drill',
  });
  const path = recordPath(root, stack.name);
  try {
    if (flags.check) {
      const record = await readRecord(path);
      const ec2 = session.ec2();
      const live = async () =>
        (
          await ec2.send(
            new DescribeTagsCommand({
              Filters: [
                { Name: 'resource-id', Values: [record.resource_id] },
                { Name: 'key', Values: [DRILL_TAG] },
              ],
            }),
          )
        ).Tags?.some((tag) => tag.Value === record.tag_value) ?? false;
      let score;
      try {
        score = scoreDrill(record, {
          answer: flags.answer,
          tagStillLive: await live(),
          now: new Date(),
        });
      } finally {
        // Always clean up, whatever the score or an error: the drift must not outlive the drill.
        await ec2.send(
          new DeleteTagsCommand({ Resources: [record.resource_id], Tags: [{ Key: DRILL_TAG }] }),
        );
        await rm(path, { force: true });
      }
      if (flags.format === 'json') io.stdout(`${JSON.stringify(score, null, 2)}\n`);
      else
        io.stdout(
          `drill on ${stack.name}: ${score.address}\n  found: ${score.found ? 'yes' : 'no'}\n  fixed by hand: ${score.fixed ? 'yes' : 'no'}\n  time: ${score.minutes} min\n  score: ${score.score}/2\ncleaned up: the drill's tag is gone and its record removed.\n`,
        );
      return;
    }
    const location =
      flags.state ??
      stack.state ??
      (await resolveStateLocation(dir, flags.workspace ?? stack.workspace));
    const state = await readState(location, {
      workspace: flags.workspace ?? stack.workspace,
      s3: session.s3(),
    });
    const target = chooseDrillTarget({
      stack: stack.name,
      environment: stack.environment,
      applyRole: stack.aws?.apply_role,
      instances: state.instances,
      decideTier: tierDecider(config.tiers.rules, config.tiers.use_defaults),
    });
    if (!target.ok)
      throw new DriftgateError(`drill refused: ${target.reason}`, { file: flags.config });
    const record: DrillRecord = {
      drill: 1,
      stack: stack.name,
      address: target.instance.address,
      resource_id: target.resourceId,
      tag_key: DRILL_TAG,
      tag_value: randomBytes(4).toString('hex'),
      started_at: new Date().toISOString(),
      region: awsClientConfig({ ...connectionOptions(flags), region }).region,
    };
    // Recorded before the change: a drift no record knows of must never exist.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST')
          throw new DriftgateError(
            'a drill is already running for this stack: finish it with driftgate drill --check',
            { file: path },
          );
        throw error;
      },
    );
    await session.ec2().send(
      new CreateTagsCommand({
        Resources: [record.resource_id],
        Tags: [{ Key: DRILL_TAG, Value: record.tag_value }],
      }),
    );
    io.stdout(
      `drill started on stack ${stack.name}: one resource now differs from the recorded state.\nFind it (driftgate scan), fix it by hand in the AWS console or CLI, then run:\n  driftgate drill --check --stack ${stack.name} --answer <address>\n`,
    );
  } finally {
    session.destroy();
  }
}
