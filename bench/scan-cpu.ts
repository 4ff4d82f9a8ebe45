/**
 * driftgate's own CPU for a live scan of N security groups, without a network: recorded
 * DescribeSecurityGroups pages are served from memory through the SDK's pipeline
 * (bench/recorded-ec2.ts), and the scan runs as `driftgate scan` does (scanLiveAws, then
 * classifyDrifts). Baseline, same run, same pages: the SDK alone paging through them
 * (request building, signing, XML parsing). driftgate's own CPU is the difference.
 *
 * Each group has two ingress rules, the default egress rule and a Name tag; one group
 * in 100 was widened by hand (a new /32 on tcp/22), so drifts take the full path.
 */
import { DescribeSecurityGroupsCommand, paginateDescribeSecurityGroups } from '@aws-sdk/client-ec2';
import { scanLiveAws } from '../src/cloud/aws/scanner.js';
import { AwsSession } from '../src/cloud/aws/session.js';
import { classifyDrifts } from '../src/scan/classify.js';
import { parseState, type TerraformState } from '../src/terraform/state.js';
import type { FakeEc2Object } from '../test/support/paged-ec2.js';
import { securityGroup, v4State, type BuiltResource } from '../test/support/state-builder.js';
import { serveFromMemory } from './recorded-ec2.js';

const OWNER = '123456789012';
const VPC = 'vpc-0bench0000000000a';

function permissionXml(protocol: string, from: number | null, cidrs: string[], note = ''): string {
  const ports = from === null ? '' : `<fromPort>${from}</fromPort><toPort>${from}</toPort>`;
  const ranges = cidrs
    .map(
      (cidr) =>
        `<item><cidrIp>${cidr}</cidrIp>${note ? `<description>${note}</description>` : ''}</item>`,
    )
    .join('');
  return `<item><ipProtocol>${protocol}</ipProtocol>${ports}<groups/><ipRanges>${ranges}</ipRanges><ipv6Ranges/><prefixListIds/></item>`;
}

/** N groups: their state, and their live objects (1 in 100 with a hand-added rule). */
export function securityGroupFixture(count: number): {
  state: TerraformState;
  live: FakeEc2Object[];
  drifted: number;
} {
  const resources: BuiltResource[] = [];
  const live: FakeEc2Object[] = [];
  let drifted = 0;
  for (let i = 0; i < count; i++) {
    const id = `sg-${i.toString(16).padStart(17, '0')}`;
    const name = `bench-${i}`;
    const ssh = `10.${i % 250}.${Math.floor(i / 250) % 250}.0/24`;
    const widened = i % 100 === 7;
    if (widened) drifted++;
    resources.push(
      securityGroup(`g${i}`, {
        id,
        name,
        description: name,
        vpcId: VPC,
        ownerId: OWNER,
        ingress: [
          {
            protocol: 'tcp',
            from_port: 443,
            to_port: 443,
            cidr_blocks: ['0.0.0.0/0'],
            description: 'HTTPS',
          },
          { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [ssh] },
        ],
        egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
        tags: { Name: name },
      }),
    );
    live.push({
      filters: { 'group-id': id, 'vpc-id': VPC },
      xml:
        `<item><ownerId>${OWNER}</ownerId><groupId>${id}</groupId><groupName>${name}</groupName><groupDescription>${name}</groupDescription><vpcId>${VPC}</vpcId>` +
        `<ipPermissions>${permissionXml('tcp', 443, ['0.0.0.0/0'], 'HTTPS')}${permissionXml('tcp', 22, widened ? [ssh, '203.0.113.7/32'] : [ssh])}</ipPermissions>` +
        `<ipPermissionsEgress>${permissionXml('-1', null, ['0.0.0.0/0'])}</ipPermissionsEgress>` +
        `<tagSet><item><key>Name</key><value>${name}</value></item></tagSet></item>`,
    });
  }
  return { state: parseState(v4State(resources), 'bench'), live, drifted };
}

export interface CpuRow {
  groups: number;
  /** CPU of scan + classify, SDK included (ms, median of runs). */
  scanMs: number;
  /** CPU of the SDK alone paging through the same responses (ms, median). */
  sdkMs: number;
  /** scanMs − sdkMs. */
  ownMs: number;
  calls: number;
  drifts: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timedScan(state: TerraformState, live: FakeEc2Object[]) {
  const session = new AwsSession({ region: 'us-east-1' });
  serveFromMemory(session.ec2(), { DescribeSecurityGroups: live });
  global.gc?.();
  const start = process.cpuUsage();
  const { drifts } = await scanLiveAws({ session, state, stack: undefined, stackName: 'bench' });
  const classified = classifyDrifts({
    drifts,
    stack: undefined,
    stackName: 'bench',
    environment: 'prod',
    config: { ignore: [], tiers: { rules: [], use_defaults: true } },
    now: new Date(),
  });
  const ms = cpuMs(start);
  session.destroy();
  return {
    ms,
    calls: session.calls['ec2:DescribeSecurityGroups'] ?? 0,
    drifts: classified.drifts.length,
  };
}

async function timedSdkAlone(live: FakeEc2Object[]) {
  const session = new AwsSession({ region: 'us-east-1' });
  serveFromMemory(session.ec2(), { DescribeSecurityGroups: live });
  global.gc?.();
  const start = process.cpuUsage();
  let groups = 0;
  for await (const page of paginateDescribeSecurityGroups(
    { client: session.ec2(), pageSize: 1000 },
    { Filters: [{ Name: 'vpc-id', Values: [VPC] }] },
  ))
    groups += page.SecurityGroups?.length ?? 0;
  const ms = cpuMs(start);
  session.destroy();
  if (groups !== live.length) throw new Error(`SDK baseline read ${groups} of ${live.length}`);
  return ms;
}

export async function benchScanCpu(sizes: number[], runs = 3): Promise<CpuRow[]> {
  const rows: CpuRow[] = [];
  for (const groups of sizes) {
    const { state, live, drifted } = securityGroupFixture(groups);
    const scans = [];
    const sdk = [];
    for (let run = 0; run < runs; run++) {
      scans.push(await timedScan(state, live));
      sdk.push(await timedSdkAlone(live));
    }
    const last = scans.at(-1)!;
    if (last.drifts !== drifted)
      throw new Error(`expected ${drifted} drifts at ${groups} groups, found ${last.drifts}`);
    const scanMs = median(scans.map((scan) => scan.ms));
    const sdkMs = median(sdk);
    rows.push({
      groups,
      scanMs,
      sdkMs,
      ownMs: scanMs - sdkMs,
      calls: last.calls,
      drifts: last.drifts,
    });
  }
  return rows;
}

export interface CallsRow {
  groups: number;
  batched: number;
  loop: number;
  batchedMs: number;
  loopMs: number;
}

/**
 * API calls against an endpoint that pages like EC2 (moto returns everything in one
 * page, so it cannot show paging): driftgate's scan versus the per-resource loop a
 * refresh makes (one DescribeSecurityGroups per group), both measured.
 */
export async function benchCalls(sizes: number[]): Promise<CallsRow[]> {
  const rows: CallsRow[] = [];
  for (const groups of sizes) {
    const { state, live } = securityGroupFixture(groups);
    const batchedStart = performance.now();
    const batched = await timedScan(state, live);
    const batchedMs = performance.now() - batchedStart;

    const session = new AwsSession({ region: 'us-east-1' });
    serveFromMemory(session.ec2(), { DescribeSecurityGroups: live });
    const loopStart = performance.now();
    for (const instance of state.instances) {
      await session.ec2().send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-id', Values: [String(instance.attributes.id)] }],
        }),
      );
    }
    const loopMs = performance.now() - loopStart;
    session.destroy();
    rows.push({
      groups,
      batched: batched.calls,
      loop: session.calls['ec2:DescribeSecurityGroups'] ?? 0,
      batchedMs,
      loopMs,
    });
  }
  return rows;
}
