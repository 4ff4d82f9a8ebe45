/**
 * Flap detection in the app (docs/guardrails.md#flap-detection). Executed reverts of each
 * drift are remembered in the job store (a sliding window per drift, shared by every
 * instance; in Redis it survives restarts). A scan asks it how often each live drift came
 * back, and asks CloudTrail who changed the resource over the window.
 */
import {
  attributionOf,
  cloudTrailResourceId,
  LookupEventsSource,
  S3LogSource,
  type AttributionSource,
} from '../cloud/aws/attribution.js';
import type { AwsSession } from '../cloud/aws/session.js';
import type { DriftgateConfig } from '../config/schema.js';
import type { Drift } from '../drift/model.js';
import type { GitHubRepository } from '../github/repository.js';
import type { JobLayer } from '../jobs/job-layer.js';
import { describeActors, flapVerdict, type FlapVerdict } from '../policy/flap.js';
import { inlineCode, plainText } from '../report/markdown.js';
import type { TerraformState } from '../terraform/state.js';

const HOUR_MS = 3_600_000;

function flapKey(github: GitHubRepository, stack: string, fingerprint: string): string {
  return `flap:${`${github.owner}/${github.repo}`.toLowerCase()}:${stack}:${fingerprint}`;
}

/** An applied revert of this drift: it counts if the drift comes back within the window. */
export async function recordExecutedRevert(
  jobs: JobLayer,
  github: GitHubRepository,
  config: DriftgateConfig,
  stack: string,
  fingerprint: string,
  now: Date,
): Promise<void> {
  await jobs.recordEvent(
    flapKey(github, stack, fingerprint),
    config.flapping.window_hours * HOUR_MS,
    now,
  );
}

/** The verdict for a drift that is live now. */
export async function flapVerdictFor(
  jobs: JobLayer,
  github: GitHubRepository,
  config: DriftgateConfig,
  drift: Drift,
  now: Date,
): Promise<FlapVerdict> {
  const times = await jobs.eventTimes(
    flapKey(github, drift.stack, drift.fingerprint),
    config.flapping.window_hours * HOUR_MS,
    now,
  );
  return flapVerdict(times, config.flapping.threshold);
}

/** Who wrote to the drifted resource over the flap window, per CloudTrail (empty when off or silent). */
export async function actorsOverWindow(
  config: DriftgateConfig,
  session: AwsSession,
  state: TerraformState,
  drift: Drift,
  now: Date,
): Promise<{ actors: string[]; note: string | undefined }> {
  const settings = config.attribution;
  if (settings.source === 'off') return { actors: [], note: 'attribution is off in the config' };
  const resourceId = cloudTrailResourceId(
    state.instances.find((instance) => instance.address === drift.address),
  );
  if (!resourceId) return { actors: [], note: 'CloudTrail does not name this resource' };
  const hours = config.flapping.window_hours;
  const source: AttributionSource =
    settings.source === 's3' && settings.s3
      ? new S3LogSource(
          session,
          {
            bucket: settings.s3.bucket,
            prefix: settings.s3.prefix,
            accountId: settings.s3.account_id,
            lookbackHours: hours,
          },
          () => now,
        )
      : new LookupEventsSource(session, hours, () => now);
  try {
    const since = now.getTime() - hours * HOUR_MS;
    const writes = (await source.eventsFor(resourceId))
      .filter(
        (record) =>
          record.readOnly !== true &&
          !/^(Describe|Get|List)/.test(record.eventName) &&
          Date.parse(record.eventTime) >= since,
      )
      .map(attributionOf);
    return { actors: describeActors(writes), note: undefined };
  } catch (error) {
    return {
      actors: [],
      note: `CloudTrail could not be read (${(error as { name?: string }).name ?? 'Error'})`,
    };
  }
}

/** The PR's section saying the drift flaps and who keeps changing it. Every value escaped. */
export function flappingSection(
  drift: Drift,
  verdict: FlapVerdict,
  actors: { actors: string[]; note: string | undefined },
  windowHours: number,
): string {
  return [
    '### Flapping',
    '',
    `${inlineCode(drift.address)} came back with the same changes ${verdict.returns} time(s) within ${windowHours} h after driftgate's reverts were executed. Reverting it again would only start the next round, so driftgate no longer reverts it automatically: this PR proposes to **codify** (or comment \`/driftgate ignore\`), and is never merged automatically.`,
    '',
    actors.actors.length
      ? `Who keeps changing it (CloudTrail, last ${windowHours} h): ${actors.actors.map((actor) => plainText(actor)).join(', ')}. Find out why — another controller, an AWS service or a person — before reverting again.`
      : `CloudTrail did not name who keeps changing it${actors.note ? ` (${plainText(actors.note)})` : ''}.`,
  ].join('\n');
}
