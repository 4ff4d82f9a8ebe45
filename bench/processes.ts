/**
 * Whole-process benchmarks of the compiled `driftgate` command (bin/driftgate.js over
 * dist/, built first): start-up time of `--version`, `--help` and `state list` against
 * `node -e 0`, and the peak RSS of `state list` on a generated large state against the
 * file's size and against `JSON.parse` of the same file alone.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const ROOT = new URL('..', import.meta.url).pathname;
const PROBE = join(ROOT, 'bench', 'rss-probe.mjs');

export function buildCli(): void {
  const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
}

interface Run {
  ms: number;
  peakRssMb: number;
  stdout: string;
}

/** One child process: wall time and peak RSS; fails the bench if the command fails. */
function runNode(args: string[]): Run {
  const dir = mkdtempSync(join(tmpdir(), 'driftgate-bench-'));
  const rssFile = join(dir, 'rss');
  try {
    const start = performance.now();
    const child = spawnSync(process.execPath, ['--import', PROBE, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    });
    const ms = performance.now() - start;
    if (child.status !== 0)
      throw new Error(
        `node ${args.join(' ')} exited ${child.status}: ${child.stderr.slice(0, 500)}`,
      );
    return { ms, peakRssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, stdout: child.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface StartupRow {
  command: string;
  ms: number;
  peakRssMb: number;
}

/**
 * Median wall time of `runs` starts of each command, `node -e 0` first as the baseline.
 * With `baselineBin` (another build's bin/driftgate.js), each command runs with that build
 * too, interleaved with this one so both see the same machine load.
 */
export function benchStartup(runs: number, baselineBin?: string): StartupRow[] {
  const smallState = join(ROOT, 'examples', 'prod-network', 'terraform.tfstate');
  const bins: [string, string][] = [['', 'bin/driftgate.js']];
  if (baselineBin) bins.push([' [baseline build]', baselineBin]);
  const commands: [string, string[]][] = [['node -e 0 (baseline)', ['-e', '0']]];
  for (const [label, bin] of bins)
    commands.push(
      [`driftgate --version${label}`, [bin, '--version']],
      [`driftgate --help${label}`, [bin, '--help']],
      [
        `driftgate state list (example state)${label}`,
        [bin, 'state', 'list', '--state', smallState],
      ],
    );
  const results = commands.map((): Run[] => []);
  for (let run = 0; run < runs; run++)
    commands.forEach(([, args], index) => results[index]!.push(runNode(args)));
  return commands.map(([command], index) => ({
    command,
    ms: median(results[index]!.map((r) => r.ms)),
    peakRssMb: median(results[index]!.map((r) => r.peakRssMb)),
  }));
}

/**
 * A v4 state of about `megabytes` MB: security groups with rules and tags, written as a
 * stream so the generator itself stays small.
 */
export async function generateLargeState(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    '{"version":4,"terraform_version":"1.9.5","serial":1,"lineage":"00000000-0000-4000-8000-000000000001","outputs":{},"resources":[',
  );
  const target = megabytes * 1_048_576;
  let bytes = 0;
  for (let i = 0; bytes < target; i++) {
    const id = `sg-${i.toString(16).padStart(17, '0')}`;
    const rule = (port: number, cidr: string) => ({
      cidr_blocks: [cidr],
      description: `port ${port}`,
      from_port: port,
      ipv6_cidr_blocks: [],
      prefix_list_ids: [],
      protocol: 'tcp',
      security_groups: [],
      self: false,
      to_port: port,
    });
    const resource = {
      mode: 'managed',
      type: 'aws_security_group',
      name: `g${i}`,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        {
          schema_version: 1,
          attributes: {
            arn: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`,
            description: `group ${i}`,
            egress: [rule(0, '0.0.0.0/0')],
            id,
            ingress: [rule(443, '0.0.0.0/0'), rule(22, `10.${i % 250}.0.0/16`)],
            name: `g${i}`,
            name_prefix: '',
            owner_id: '123456789012',
            revoke_rules_on_delete: false,
            tags: { Name: `g${i}`, Team: 'platform' },
            tags_all: { Name: `g${i}`, Team: 'platform' },
            timeouts: null,
            vpc_id: 'vpc-0123456789abcdef0',
          },
          sensitive_attributes: [],
        },
      ],
    };
    const text = `${i === 0 ? '' : ','}\n${JSON.stringify(resource, null, 2)}`;
    bytes += text.length;
    await write(text);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

export interface StateRssRow {
  fileMb: number;
  parseOnly: Run;
  stateList: Run;
  /**
   * This build's `state list` reader (`readStateAddresses` + sort + print) with the path
   * forced: the whole file through JSON.parse, and streamed (state-stream.ts).
   */
  wholeRead: Run;
  streamedRead: Run;
  /** The same command with another build (`baselineBin`), on the same file. */
  baselineStateList?: Run | undefined;
  /** Both builds print the same addresses in the same order. */
  sameOutput?: boolean | undefined;
}

/** Node arguments printing what `state list` prints, with the reader's path forced. */
function forcedStateList(file: string, streamAboveBytes: number): string[] {
  const dist = join(ROOT, 'dist');
  return [
    '--input-type=module',
    '-e',
    `const { readStateAddresses } = await import(${JSON.stringify(join(dist, 'terraform', 'state-source.js'))});
const { sortAddresses } = await import(${JSON.stringify(join(dist, 'terraform', 'address.js'))});
const addresses = await readStateAddresses(${JSON.stringify(file)}, { streamAboveBytes: ${streamAboveBytes} });
process.stdout.write(sortAddresses(addresses).map((address) => address + '\\n').join(''));`,
  ];
}

/** Peak RSS of `driftgate state list` on a generated state of each size. */
export async function benchStateRss(
  sizesMb: number[],
  baselineBin?: string,
): Promise<StateRssRow[]> {
  const rows: StateRssRow[] = [];
  for (const megabytes of sizesMb) {
    const dir = mkdtempSync(join(tmpdir(), 'driftgate-state-'));
    const file = join(dir, 'terraform.tfstate');
    try {
      const size = await generateLargeState(file, megabytes);
      const parseOnly = runNode([
        '-e',
        `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
      ]);
      const stateList = runNode(['bin/driftgate.js', 'state', 'list', '--state', file]);
      const wholeRead = runNode(forcedStateList(file, Number.POSITIVE_INFINITY));
      const streamedRead = runNode(forcedStateList(file, 0));
      for (const forced of [wholeRead, streamedRead])
        if (forced.stdout !== stateList.stdout)
          throw new Error(
            'state list: the streamed and JSON.parse readers printed different addresses',
          );
      const baselineStateList = baselineBin
        ? runNode([baselineBin, 'state', 'list', '--state', file])
        : undefined;
      rows.push({
        fileMb: size / 1_048_576,
        parseOnly,
        stateList,
        wholeRead,
        streamedRead,
        baselineStateList,
        sameOutput: baselineStateList ? baselineStateList.stdout === stateList.stdout : undefined,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
