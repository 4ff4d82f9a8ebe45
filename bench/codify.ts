/**
 * Codify benchmark: 100 drifts across a generated ~1 MB stack (20 files of instances and
 * security groups). In-process, with a baseline in the same run (one read of the stack
 * with both parsers, which is what every read cost before issue 12); and the whole
 * `driftgate codify` process (compiled CLI), with `driftgate --version` and optionally
 * another build (BENCH_BASELINE_BIN) as baselines.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codifyDrifts, type SourceFile } from '../src/remediation/codify/codify.js';
import type { AttributeChange, Drift } from '../src/drift/model.js';
import { loadHclParser } from '../src/terraform/hcl-syntax.js';
import { buildStack } from '../src/terraform/stack.js';
import { startHashicorpThread } from '../src/terraform/hashicorp-thread.js';
import { measure, type Measurement } from './measure.js';

function resourceText(i: number): string {
  return `# Instance ${i} of the fleet
resource "aws_instance" "app_${i}" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  subnet_id     = "subnet-0${(i % 9) + 1}aa11bb22cc33dd4"

  tags = {
    Name    = "app-${i}"
    Service = "storefront"
  }
}

resource "aws_security_group" "app_${i}" {
  name   = "app-${i}"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
`;
}

export function generateStack(targetBytes = 1_048_576, files = 20): SourceFile[] {
  const sources: SourceFile[] = Array.from({ length: files }, (_, f) => ({
    path: `part_${String(f).padStart(2, '0')}.tf`,
    text: '',
  }));
  let i = 0;
  while (sources.reduce((total, file) => total + file.text.length, 0) < targetBytes) {
    sources[i % files]!.text += `${resourceText(i)}\n`;
    i++;
  }
  return sources;
}

function drift(
  address: string,
  type: string,
  changes: Omit<AttributeChange, 'sensitive'>[],
): Drift {
  return {
    stack: 'bench',
    address,
    type,
    action: 'update',
    fingerprint: address,
    source: 'plan',
    attribution: null,
    tier: null,
    tierReason: null,
    direction: 'codify',
    directionReason: null,
    security: null,
    changes: changes.map((change) => ({ ...change, sensitive: false })),
  };
}

export function benchDrifts(count: number, resources: number): Drift[] {
  const drifts: Drift[] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor((n * resources) / count);
    switch (n % 3) {
      case 0:
        drifts.push(
          drift(`aws_instance.app_${i}`, 'aws_instance', [
            { path: ['instance_type'], recorded: 't3.micro', live: 't3.large' },
          ]),
        );
        break;
      case 1:
        drifts.push(
          drift(`aws_instance.app_${i}`, 'aws_instance', [
            { path: ['tags', 'Owner'], recorded: null, live: 'oncall' },
          ]),
        );
        break;
      default:
        drifts.push(
          drift(`aws_security_group.app_${i}`, 'aws_security_group', [
            {
              path: ['ingress', 1],
              recorded: null,
              live: {
                cidr_blocks: ['10.1.0.0/16'],
                description: 'hotfix',
                from_port: 8443,
                protocol: 'tcp',
                to_port: 8443,
              },
            },
          ]),
        );
    }
  }
  return drifts;
}

export interface CodifyBenchResult {
  bytes: number;
  resources: number;
  drifts: number;
  /** Baseline: one read of the stack with tree-sitter and HashiCorp's parser (what every read cost before). */
  parseVerified: Measurement;
  /** One read of the stack with tree-sitter: what the scan does, once, for scan and codify. */
  parse: Measurement;
  /** tree-sitter's parse of every file alone, nothing read from the trees: the floor of a read. */
  parseOnly: Measurement;
  /** codifyDrifts over the stack the scan read (each edit checked by HashiCorp's parser). */
  codify: Measurement;
  /** The stack read as codify reads it: blocks by a lexical scan, bodies on first use. */
  outline: Measurement;
  /**
   * What `driftgate codify` does in-process, warm: the lazy read, then codifyDrifts with
   * HashiCorp's parser on its worker thread (median of `runs`).
   */
  codifyLazy: Measurement & { runs: number };
  /**
   * The same, with the stack as one ~1 MB file (just under the 1 MiB limit): the cost an
   * edit has for the blocks after it in its file (docs/performance.md).
   */
  codifyLazySingleFile: Measurement & { runs: number };
  /** The same, HashiCorp's checks alone on a warm worker: the oracle's share (median). */
  oracleWarm: Measurement;
  /** What HashiCorp's parser read to check the edits (one text per call). */
  oracleTexts: string[];
  codified: number;
  refused: number;
  process?: ProcessBench;
}

export interface ProcessBench {
  runs: number;
  /** `driftgate codify DIR --plan-json plan.json`, this build. */
  codify: ProcessRun;
  /** `driftgate --version`, this build: the cost of starting at all. */
  startup: ProcessRun;
  /** `node -e 0` and a process that only loads HashiCorp's parser: floors of any codify. */
  node: ProcessRun;
  hashicorpLoad: ProcessRun;
  /**
   * A process that loads HashiCorp's parser and reads what codify's checks read, nothing
   * else: the floor the oracle sets for any codify of these drifts.
   */
  oracle: ProcessRun;
  /** The same codify run by another build (BENCH_BASELINE_BIN), e.g. main before a change. */
  baseline?: ProcessRun;
}

export async function benchCodify(driftCount = 100): Promise<CodifyBenchResult> {
  const sources = generateStack();
  const bytes = sources.reduce((total, file) => total + Buffer.byteLength(file.text), 0);
  const resources = sources.reduce(
    (total, file) => total + (file.text.match(/^resource "aws_instance"/gm)?.length ?? 0),
    0,
  );
  await buildStack('.', sources.slice(0, 1), { verify: true }); // load both parsers outside the timings
  const parseVerified = await measure(async () => {
    await buildStack('.', sources, { verify: true });
  });
  const parser = await loadHclParser();
  const parseOnly = await measure(async () => {
    for (const source of sources) parser.parse(source.text)?.delete();
  });
  let stack: Awaited<ReturnType<typeof buildStack>> | undefined;
  const parse = await measure(async () => {
    stack = await buildStack('.', sources);
  });
  let outcome: Awaited<ReturnType<typeof codifyDrifts>> | undefined;
  const codify = await measure(async () => {
    outcome = await codifyDrifts('.', sources, benchDrifts(driftCount, resources), { stack });
  });
  const outline = await measure(async () => {
    await buildStack('.', sources, { lazy: true });
  });
  const { codifyLazy, oracleWarm, oracleTexts } = await benchLazyCodify(
    sources,
    benchDrifts(driftCount, resources),
  );
  const oneFile = generateStack(1_000_000, 1);
  const oneFileResources = oneFile[0]!.text.match(/^resource "aws_instance"/gm)?.length ?? 0;
  const { codifyLazy: codifyLazySingleFile } = await benchLazyCodify(
    oneFile,
    benchDrifts(driftCount, oneFileResources),
  );
  return {
    bytes,
    resources: resources * 2,
    drifts: driftCount,
    parseVerified,
    parse,
    parseOnly,
    codify,
    outline,
    codifyLazy,
    codifyLazySingleFile,
    oracleWarm,
    oracleTexts,
    codified: outcome!.codified.length,
    refused: outcome!.refused.length,
  };
}

/** Median of `runs` measurements of `work` (after two warm-up runs). */
async function medianOf(runs: number, work: () => Promise<void>): Promise<Measurement> {
  for (let warmUp = 0; warmUp < 2; warmUp++) await work();
  const measured: Measurement[] = [];
  for (let run = 0; run < runs; run++) measured.push(await measure(work));
  return [...measured].sort((a, b) => a.ms - b.ms)[Math.floor(runs / 2)]!;
}

/** Codify as the CLI runs it, in-process and warm; and its HashiCorp checks alone. */
async function benchLazyCodify(sources: SourceFile[], drifts: Drift[]) {
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const thread = startHashicorpThread();
  try {
    const oracleTexts: string[] = [];
    const recording = { parse: (text: string) => (oracleTexts.push(text), thread.parse(text)) };
    await codifyDrifts('.', sources, drifts, {
      stack: await buildStack('.', sources, { lazy: true }),
      hashicorp: recording,
    });
    const codifyLazy = await medianOf(runs, async () => {
      const stack = await buildStack('.', sources, { lazy: true });
      await codifyDrifts('.', sources, drifts, { stack, hashicorp: thread });
    });
    const oracleWarm = await medianOf(runs, async () => {
      await Promise.all(oracleTexts.map((text) => thread.parse(text)));
    });
    return { codifyLazy: { ...codifyLazy, runs }, oracleWarm, oracleTexts };
  } finally {
    await thread.close();
  }
}

const median = (runs: ProcessRun[]): ProcessRun =>
  [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;

/**
 * The whole `driftgate codify` process on the generated stack (child processes of the
 * compiled CLI: `npm run build` first), median of `runs`, interleaved with its baselines
 * so load on the machine hits them alike.
 */
export async function benchCodifyProcess(
  bin: string,
  runs = 5,
  baselineBin?: string,
  oracleTexts: string[] = [],
): Promise<ProcessBench> {
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-bench-codify-'));
  try {
    await writeCodifyFixture(dir);
    const oracleFile = join(dir, 'oracle-texts.json');
    await writeFile(oracleFile, JSON.stringify(oracleTexts));
    const oracleScript =
      "const texts = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); const hcl2 = require('hcl2-parser'); for (const text of texts) hcl2.parseToObject(text);";
    const oracle: ProcessRun[] = [];
    const codify: ProcessRun[] = [];
    const startup: ProcessRun[] = [];
    const baseline: ProcessRun[] = [];
    const node: ProcessRun[] = [];
    const hashicorpLoad: ProcessRun[] = [];
    for (let run = 0; run < runs; run++) {
      codify.push(runCodifyProcess(bin, dir));
      startup.push(runProcess(bin, ['--version']));
      node.push(runNodeArgs(['-e', '0']));
      hashicorpLoad.push(runNodeArgs(['-e', "require('hcl2-parser').parseToObject('a = 1')"]));
      oracle.push(runNodeArgs(['-e', oracleScript, oracleFile]));
      if (baselineBin) baseline.push(runCodifyProcess(baselineBin, dir));
    }
    const failed = [...codify, ...baseline].find((run) => run.status !== 0);
    if (failed) throw new Error(`driftgate codify exited ${failed.status}: ${failed.stderr}`);
    if (baselineBin && baseline[0]!.stdout !== codify[0]!.stdout)
      throw new Error('the baseline build printed a different diff');
    return {
      runs,
      codify: median(codify),
      startup: median(startup),
      node: median(node),
      hashicorpLoad: median(hashicorpLoad),
      oracle: median(oracle),
      ...(baselineBin ? { baseline: median(baseline) } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The markdown section `npm run bench` prints for codify. */
export function renderCodifyBench(result: CodifyBenchResult): string {
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(2);
  const row = (work: string, m: Measurement, base: Measurement) =>
    `| ${work} | ${m.ms.toFixed(0)} ms | ${(m.ms / base.ms).toFixed(2)}× | ${m.peakRssMb.toFixed(0)} MB |`;
  const lines = [
    `## Codify: ${result.drifts} drifts across a ${mb(result.bytes)} MB stack (${result.resources} resources in 20 files)\n`,
    '| work (in-process) | time | ratio to the baseline | peak RSS (process) |',
    '| --- | ---: | ---: | ---: |',
    row(
      "read the stack once, tree-sitter + HashiCorp's parser on every byte (the baseline: every read before issue 12)",
      result.parseVerified,
      result.parseVerified,
    ),
    row(
      'read the stack once, tree-sitter only (the scan; codify reuses it)',
      result.parse,
      result.parseVerified,
    ),
    row(
      "tree-sitter's parse of every file alone, nothing read (the floor of any read)",
      result.parseOnly,
      result.parseVerified,
    ),
    row(
      `codify ${result.drifts} drifts (${result.codified} codified, ${result.refused} refused), each edit checked by HashiCorp's parser`,
      result.codify,
      result.parseVerified,
    ),
    row(
      'read the stack as codify reads it: blocks by a lexical scan, bodies on first use',
      result.outline,
      result.parseVerified,
    ),
    row(
      `**codify as the CLI runs it, in-process, warm: the lazy read, then ${result.drifts} drifts with HashiCorp's parser on its thread** (median of ${result.codifyLazy.runs})`,
      result.codifyLazy,
      result.parseVerified,
    ),
    row(
      `the same with the stack as one ~1 MB file: each edit moves the blocks after it (median of ${result.codifyLazySingleFile.runs})`,
      result.codifyLazySingleFile,
      result.parseVerified,
    ),
    row(
      `HashiCorp's checks of those edits alone, warm worker (${result.oracleTexts.length} calls, ${result.oracleTexts.reduce((total, text) => total + text.length, 0)} bytes): the oracle's floor`,
      result.oracleWarm,
      result.parseVerified,
    ),
  ];
  const process = result.process;
  if (process) {
    const run = (work: string, r: ProcessRun) =>
      `| ${work} | ${r.ms.toFixed(0)} ms | ${r.peakRssMb.toFixed(0)} MB |`;
    lines.push(
      '',
      `Whole process, median of ${process.runs} interleaved runs:\n`,
      '| process | wall time | peak RSS |',
      '| --- | ---: | ---: |',
      run('`node -e 0`', process.node),
      run(
        "`node -e \"require('hcl2-parser')…\"`: loading HashiCorp's parser alone",
        process.hashicorpLoad,
      ),
      run(
        "a process that loads HashiCorp's parser and reads what codify's checks read: the oracle's floor",
        process.oracle,
      ),
      run('`driftgate --version` (start-up alone)', process.startup),
      run(`\`driftgate codify --plan-json\` (${result.drifts} drifts)`, process.codify),
    );
    if (process.baseline)
      lines.push(
        run('the same codify, baseline build (BENCH_BASELINE_BIN)', process.baseline),
        '',
        `Ratio baseline / this build: ${(process.baseline.ms / process.codify.ms).toFixed(1)}× wall time, ${(process.baseline.peakRssMb / process.codify.peakRssMb).toFixed(1)}× peak RSS.`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The live object of a generated resource, as Terraform's refresh would report it. */
function recordedObject(address: string): Record<string, unknown> {
  const i = Number(address.split('_').pop());
  return address.startsWith('aws_instance.')
    ? {
        ami: 'ami-0abcdef1234567890',
        instance_type: 't3.micro',
        subnet_id: `subnet-0${(i % 9) + 1}aa11bb22cc33dd4`,
        tags: { Name: `app-${i}`, Service: 'storefront' },
      }
    : {
        name: `app-${i}`,
        vpc_id: 'vpc-0123456789abcdef0',
        ingress: [
          {
            cidr_blocks: ['10.0.0.0/8'],
            description: 'HTTPS',
            from_port: 443,
            protocol: 'tcp',
            to_port: 443,
          },
        ],
      };
}

/** `terraform show -json` of a refresh-only plan whose resource_drift holds `drifts`. */
export function planJsonOf(drifts: Drift[]): string {
  const resourceDrift = drifts.map((drift) => {
    const before = recordedObject(drift.address);
    const after = structuredClone(before);
    for (const change of drift.changes) {
      const [head, key] = change.path as [string, string | number];
      if (change.path.length === 1) after[head] = change.live;
      else if (Array.isArray(after[head])) (after[head] as unknown[])[key as number] = change.live;
      else (after[head] as Record<string, unknown>)[key] = change.live;
    }
    const [type, name] = drift.address.split('.');
    return {
      address: drift.address,
      mode: 'managed',
      type,
      name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['update'], before, after },
    };
  });
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_drift: resourceDrift,
    resource_changes: [],
    errored: false,
  });
}

/** Write the generated stack and a plan with `driftCount` drifts into `dir`. */
export async function writeCodifyFixture(dir: string, driftCount = 100): Promise<void> {
  const sources = generateStack();
  const instances = sources.reduce(
    (total, file) => total + (file.text.match(/^resource "aws_instance"/gm)?.length ?? 0),
    0,
  );
  await mkdir(dir, { recursive: true });
  for (const source of sources) await writeFile(join(dir, source.path), source.text);
  await writeFile(join(dir, 'plan.json'), planJsonOf(benchDrifts(driftCount, instances)));
}

export interface ProcessRun {
  ms: number;
  peakRssMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One child process of the CLI: wall time and peak RSS (GNU time's %M). */
export function runProcess(bin: string, args: string[]): ProcessRun {
  return runNodeArgs([bin, ...args]);
}

/** One node child process with these arguments (from the repository's root). */
function runNodeArgs(args: string[]): ProcessRun {
  const start = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1_048_576,
  });
  const ms = performance.now() - start;
  const rss = /maxrss_kb=(\d+)/.exec(child.stderr)?.[1];
  return {
    ms,
    peakRssMb: Number(rss ?? 0) / 1024,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

/** `driftgate codify DIR --plan-json DIR/plan.json`. */
export function runCodifyProcess(bin: string, dir: string): ProcessRun {
  return runProcess(bin, ['codify', dir, '--plan-json', join(dir, 'plan.json')]);
}
