/**
 * Who changed it, when, and how: CloudTrail management events that wrote to a drifted
 * resource. Two sources, chosen in config:
 *
 * - `lookup-events`: CloudTrail's LookupEvents API, by resource id. It allows 2 requests
 *   per second per account and region, so calls are spaced and cached per scan.
 * - `s3`: the log files a trail delivers (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
 *   *.json.gz`), read once per scan for the look-back window and indexed by resource id.
 *
 * Missing access degrades to `attribution: null` with a warning; it never fails a scan.
 */
import { gunzipSync } from 'node:zlib';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Attribution, Drift } from '../../drift/model.js';
import type { StateInstance } from '../../terraform/state.js';
import type { DriftgateConfig } from '../../config/schema.js';
import type { AwsSession } from './session.js';

export interface CloudTrailRecord {
  eventTime: string;
  eventName: string;
  eventSource?: string;
  readOnly?: boolean;
  sourceIPAddress?: string;
  userAgent?: string;
  sessionCredentialFromConsole?: string;
  userIdentity?: {
    type?: string;
    userName?: string;
    arn?: string;
    invokedBy?: string;
    sessionContext?: { sessionIssuer?: { userName?: string; arn?: string } };
  };
  eventID?: string;
  requestParameters?: unknown;
  resources?: { ARN?: string; resourceName?: string }[];
}

export type AttributionSettings =
  | { source: 'off' }
  | { source: 'lookup-events'; lookbackHours: number }
  | { source: 's3'; bucket: string; prefix: string; accountId: string; lookbackHours: number };

const RESOURCE_ID = /^(sg|sgr|vpc|subnet|i|rtb|acl|igw|nat|eni|eipalloc|vpce|pcx)-[0-9a-f]{8,17}$/;

/** Every AWS resource id a record's request names (groupId, vpcId, resourcesSet items, ...). */
export function resourceIdsOf(record: CloudTrailRecord): Set<string> {
  const ids = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      if (RESOURCE_ID.test(value)) ids.add(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(record.requestParameters);
  for (const resource of record.resources ?? []) {
    if (resource.resourceName) walk(resource.resourceName);
    if (resource.ARN) walk(resource.ARN.split('/').pop());
  }
  return ids;
}

function via(record: CloudTrailRecord): Attribution['via'] {
  const agent = record.userAgent ?? '';
  if (
    record.sessionCredentialFromConsole === 'true' ||
    /console\.|^AWS Internal$|signin\.amazonaws/i.test(agent)
  )
    return 'console';
  if (/terraform/i.test(agent)) return 'terraform';
  if (/aws-cli/i.test(agent)) return 'cli';
  if (/aws-sdk|boto|Boto3|aws-sdk-go|APN\//i.test(agent)) return 'sdk';
  return 'unknown';
}

/** Turn a CloudTrail record into who/when/how. Pure. */
export function attributionOf(record: CloudTrailRecord): Attribution {
  const identity = record.userIdentity ?? {};
  let actor = 'unknown';
  let actorType: Attribution['actorType'] = 'unknown';
  let role: string | undefined;
  switch (identity.type) {
    case 'IAMUser':
      actor = identity.userName ?? identity.arn ?? actor;
      actorType = 'iam-user';
      break;
    case 'AssumedRole': {
      const roleName = identity.sessionContext?.sessionIssuer?.userName ?? '';
      role = identity.sessionContext?.sessionIssuer?.arn;
      const session = identity.arn?.split('/').pop() ?? '';
      // IAM Identity Center (SSO) users arrive as sessions of AWSReservedSSO_* roles named after the person.
      if (roleName.startsWith('AWSReservedSSO_')) {
        actor = session;
        actorType = 'sso-user';
      } else {
        actor = roleName && session ? `${roleName}/${session}` : (identity.arn ?? actor);
        actorType = 'assumed-role';
      }
      break;
    }
    case 'Root':
      actor = 'root';
      actorType = 'root';
      break;
    case 'AWSService':
      actor = identity.invokedBy ?? 'aws-service';
      actorType = 'aws-service';
      break;
    default:
      actor = identity.arn ?? identity.userName ?? actor;
  }
  return {
    actor,
    actorType,
    time: record.eventTime,
    eventName: record.eventName,
    sourceIp: record.sourceIPAddress,
    via: via(record),
    userAgent: record.userAgent,
    ...(role ? { role } : {}),
    ...(record.eventID ? { eventId: record.eventID } : {}),
  };
}

/** The newest write event among `records` for one resource id. */
export function latestWrite(
  records: readonly CloudTrailRecord[],
  resourceId: string,
): CloudTrailRecord | undefined {
  return records
    .filter(
      (record) =>
        record.readOnly !== true &&
        !/^(Describe|Get|List)/.test(record.eventName) &&
        resourceIdsOf(record).has(resourceId),
    )
    .sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0))[0];
}

/** The AWS id CloudTrail names a drifted resource by (rules are changed through their group). */
export function cloudTrailResourceId(instance: StateInstance | undefined): string | undefined {
  if (!instance) return undefined;
  const attributes = instance.attributes;
  const value =
    instance.type.includes('security_group_rule') ||
    instance.type.startsWith('aws_vpc_security_group_')
      ? attributes.security_group_id
      : attributes.id;
  return typeof value === 'string' && value ? value : undefined;
}

export interface AttributionSource {
  eventsFor(resourceId: string): Promise<CloudTrailRecord[]>;
}

/** Time as the rate limiter sees it: real by default; tests pass a virtual one. */
export interface RateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: RateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** LookupEvents by resource name, at most 2 requests per second (retries included), each resource once. */
export class LookupEventsSource implements AttributionSource {
  private readonly cache = new Map<string, Promise<CloudTrailRecord[]>>();
  private nextSlot = 0;

  constructor(
    private readonly session: AwsSession,
    private readonly lookbackHours: number,
    private readonly now: () => Date = () => new Date(),
    private readonly minIntervalMs = 500,
    private readonly clock: RateClock = REAL_CLOCK,
  ) {}

  private async throttle(): Promise<void> {
    // Every driftgate instance shares the account's 2/s (the job layer's limiter, in Redis).
    if (this.session.waitForSlot)
      return this.session.waitForSlot(
        'cloudtrail-lookup-events',
        `${this.session.account ?? 'default'}:${this.session.region}`,
        1000 / this.minIntervalMs,
      );
    const now = this.clock.now();
    const wait = this.nextSlot - now;
    this.nextSlot = Math.max(now, this.nextSlot) + this.minIntervalMs;
    if (wait > 0) await this.clock.sleep(wait);
  }

  eventsFor(resourceId: string): Promise<CloudTrailRecord[]> {
    let pending = this.cache.get(resourceId);
    if (!pending) {
      pending = this.lookup(resourceId);
      this.cache.set(resourceId, pending);
    }
    return pending;
  }

  private async lookup(resourceId: string): Promise<CloudTrailRecord[]> {
    const end = this.now();
    const start = new Date(end.getTime() - this.lookbackHours * 3_600_000);
    const records: CloudTrailRecord[] = [];
    let token: string | undefined;
    // Two pages of 50 are the newest 100 events on the resource: enough to find the last write.
    for (let page = 0; page < 2; page++) {
      const command = new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: resourceId }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        NextToken: token,
      });
      // The limit counts requests as CloudTrail receives them, retries included: wait for
      // a slot just before each attempt goes on the wire, after the SDK's own work.
      command.middlewareStack.add(
        (next) => async (args) => {
          await this.throttle();
          return next(args);
        },
        { step: 'finalizeRequest', priority: 'low', name: 'driftgateLookupEventsRate' },
      );
      const response = await this.session.cloudTrail().send(command);
      for (const event of response.Events ?? []) {
        if (!event.CloudTrailEvent) continue;
        const record = JSON.parse(event.CloudTrailEvent) as CloudTrailRecord;
        record.resources ??= (event.Resources ?? []).map((resource) => ({
          resourceName: resource.ResourceName,
        }));
        records.push(record);
      }
      token = response.NextToken;
      if (!token) break;
    }
    return records;
  }
}

/** Trail log files in S3 for the look-back window, read once and indexed by resource id. */
export class S3LogSource implements AttributionSource {
  private index: Promise<Map<string, CloudTrailRecord[]>> | undefined;

  constructor(
    private readonly session: AwsSession,
    private readonly settings: {
      bucket: string;
      prefix: string;
      accountId: string;
      lookbackHours: number;
    },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `<prefix>AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` for each day of the window. */
  dayPrefixes(): string[] {
    const end = this.now();
    const start = new Date(end.getTime() - this.settings.lookbackHours * 3_600_000);
    const base = `${this.settings.prefix ? `${this.settings.prefix.replace(/\/$/, '')}/` : ''}AWSLogs/${this.settings.accountId}/CloudTrail/${this.session.region}/`;
    const prefixes: string[] = [];
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
    while (day <= end) {
      const y = day.getUTCFullYear();
      const m = String(day.getUTCMonth() + 1).padStart(2, '0');
      const d = String(day.getUTCDate()).padStart(2, '0');
      prefixes.push(`${base}${y}/${m}/${d}/`);
      day.setUTCDate(day.getUTCDate() + 1);
    }
    return prefixes;
  }

  private async build(): Promise<Map<string, CloudTrailRecord[]>> {
    const index = new Map<string, CloudTrailRecord[]>();
    const s3 = this.session.s3();
    for (const prefix of this.dayPrefixes()) {
      const pages = paginateListObjectsV2(
        { client: s3 },
        { Bucket: this.settings.bucket, Prefix: prefix },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (!object.Key?.endsWith('.json.gz')) continue;
          const response = await s3.send(
            new GetObjectCommand({ Bucket: this.settings.bucket, Key: object.Key }),
          );
          const bytes = await response.Body!.transformToByteArray();
          const { Records } = JSON.parse(gunzipSync(bytes).toString('utf8')) as {
            Records?: CloudTrailRecord[];
          };
          for (const record of Records ?? []) {
            for (const id of resourceIdsOf(record))
              index.set(id, [...(index.get(id) ?? []), record]);
          }
        }
      }
    }
    return index;
  }

  async eventsFor(resourceId: string): Promise<CloudTrailRecord[]> {
    this.index ??= this.build();
    return (await this.index).get(resourceId) ?? [];
  }
}

/**
 * Attach attribution to each drift. Returns the drifts and warnings; on any CloudTrail
 * error the drifts keep `attribution: null` and the warning says why.
 */
export async function attributeDrifts(
  drifts: Drift[],
  instances: Map<string, StateInstance>,
  source: AttributionSource,
): Promise<{ drifts: Drift[]; warnings: string[] }> {
  const out: Drift[] = [];
  for (const drift of drifts) {
    const resourceId = cloudTrailResourceId(instances.get(drift.address));
    if (!resourceId) {
      out.push(drift);
      continue;
    }
    try {
      const record = latestWrite(await source.eventsFor(resourceId), resourceId);
      out.push(record ? { ...drift, attribution: attributionOf(record) } : drift);
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const message = (error as Error).message ?? String(error);
      return {
        drifts: [...out, ...drifts.slice(out.length)],
        warnings: [
          `attribution unavailable: CloudTrail could not be read (${name}: ${message}); drifts are reported without who/when`,
        ],
      };
    }
  }
  return { drifts: out, warnings: [] };
}

/**
 * Where CloudTrail is read, as the config says: the trail's log files in S3, or
 * LookupEvents; none when attribution is off.
 */
export function attributionSourceFor(
  session: AwsSession,
  settings: DriftgateConfig['attribution'],
): AttributionSource | undefined {
  if (settings.source === 'off') return undefined;
  return settings.source === 's3' && settings.s3
    ? new S3LogSource(session, {
        bucket: settings.s3.bucket,
        prefix: settings.s3.prefix,
        accountId: settings.s3.account_id,
        lookbackHours: settings.lookback_hours,
      })
    : new LookupEventsSource(session, settings.lookback_hours);
}
