/**
 * `npm run bench`: every benchmark, each compared with a baseline measured in the same
 * run; prints a markdown report (copy it into docs/performance.md).
 *
 * BENCH_ONLY=calls,cpu,scan,codify,startup,state,service runs a subset (default: all).
 * BENCH_SIZES=100,1000 limits the moto scan sizes; BENCH_IAM_SIZES (default 100,1000,5000)
 * the IAM roles of the calls benchmark; BENCH_CPU_SIZES (default
 * 5000,10000,20000), BENCH_CALL_SIZES (default 1000,5000), BENCH_STATE_MB (default
 * 10,100), BENCH_RUNS (start-up runs per command, default 7), BENCH_CODIFY_RUNS (whole
 * `driftgate codify` processes per median, default 5), BENCH_BASELINE_BIN (another build's
 * bin/driftgate.js to run codify side by side). AWS_ENDPOINT_URL uses a running moto for `scan`
 * and `service`. `service` needs redis-server (builds dist/ when missing);
 * BENCH_INTAKE_SECONDS (default 60) sets the intake run's length.
 */
import { motoCommand, startMoto, type RunningMoto } from '../test/support/moto-server.js';
import { existsSync } from 'node:fs';
import { benchCodify, benchCodifyProcess, renderCodifyBench } from './codify.js';
import { benchStartup, benchStateRss, buildCli } from './processes.js';
import { benchScan } from './scan.js';
import { benchDataCalls } from './data-calls.js';
import { benchIamCalls } from './iam-calls.js';
import { benchCalls, benchScanCpu } from './scan-cpu.js';
import { benchService } from './service.js';
import { redisCommand } from '../test/support/redis-server.js';
import { execFileSync } from 'node:child_process';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ALL = ['calls', 'cpu', 'scan', 'codify', 'startup', 'state', 'service'];
const only = new Set((process.env.BENCH_ONLY ?? ALL.join(',')).split(',').map((s) => s.trim()));
for (const name of only)
  if (!ALL.includes(name))
    throw new Error(`BENCH_ONLY: unknown benchmark ${name} (known: ${ALL.join(', ')})`);
const numbers = (value: string | undefined, fallback: string) =>
  (value ?? fallback).split(',').map(Number);
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (value: number) => `${value.toFixed(0)} MB`;

console.log(
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; medians where a figure was repeated.\n`,
);

if (only.has('calls')) {
  console.log('## Scan: API calls, against an endpoint that pages like EC2\n');
  console.log(
    '| groups | driftgate calls | per-resource loop calls | ratio | driftgate wall | loop wall |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of await benchCalls(numbers(process.env.BENCH_CALL_SIZES, '1000,5000'))) {
    console.log(
      `| ${row.groups} | ${row.batched} | ${row.loop} | ${(row.loop / row.batched).toFixed(0)}× | ${ms(row.batchedMs)} | ${ms(row.loopMs)} |`,
    );
  }
  console.log('');
  console.log('## Scan: API calls of the IAM family, against an endpoint that pages like IAM\n');
  console.log(
    '| roles (+ inline policies) | driftgate calls by operation | bound ⌈N/1000⌉ + 2 | per-resource refresh reads (at least) | drifts | driftgate wall |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const row of await benchIamCalls(numbers(process.env.BENCH_IAM_SIZES, '100,1000,5000'))) {
    const calls = Object.entries(row.calls)
      .map(([operation, count]) => `${operation} ${count}`)
      .join(', ');
    const total = Object.values(row.calls).reduce((sum, count) => sum + count, 0);
    if (total > row.bound)
      throw new Error(`IAM scan of ${row.entities} roles made ${total} calls, over ${row.bound}`);
    console.log(
      `| ${row.entities} | ${calls} | ${row.bound} | ${row.refreshCalls} | ${row.drifts} | ${ms(row.ms)} |`,
    );
  }
  console.log('');
  const { endpoint, moto } = await motoEndpoint('calls');
  try {
    console.log('## Scan: API calls of the S3, RDS and ELBv2 families (moto)\n');
    console.log(
      '| resources per type | driftgate calls by operation | per-resource refresh reads | drifts |',
    );
    console.log('| ---: | --- | ---: | ---: |');
    for (const row of await benchDataCalls(
      endpoint,
      numbers(process.env.BENCH_DATA_SIZES, '20,100'),
    )) {
      const calls = Object.entries(row.calls)
        .map(([operation, count]) => `${operation} ${count}`)
        .join(', ');
      console.log(`| ${row.size} | ${calls} | ${row.refreshCalls} | ${row.drifts} |`);
    }
    console.log('');
  } finally {
    moto?.stop();
  }
}

if (only.has('cpu')) {
  console.log("## Scan: driftgate's own CPU (recorded responses, no network)\n");
  console.log(
    '| groups | scan + classify CPU | SDK alone, same pages (baseline) | driftgate own | own per 1,000 groups | drifts |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of await benchScanCpu(numbers(process.env.BENCH_CPU_SIZES, '5000,10000,20000'))) {
    console.log(
      `| ${row.groups} | ${ms(row.scanMs)} | ${ms(row.sdkMs)} | ${ms(row.ownMs)} | ${ms((row.ownMs / row.groups) * 1000)} | ${row.drifts} |`,
    );
  }
  console.log('');
}

/** A moto endpoint for the benchmarks that need one: AWS_ENDPOINT_URL or a moto_server started here. */
async function motoEndpoint(benchmark: string): Promise<{ endpoint: string; moto?: RunningMoto }> {
  if (process.env.AWS_ENDPOINT_URL) return { endpoint: process.env.AWS_ENDPOINT_URL };
  const command = motoCommand();
  if (!command)
    throw new Error(
      `BENCH_ONLY=${benchmark} needs moto_server (pip install "moto[server]") or AWS_ENDPOINT_URL`,
    );
  const moto = await startMoto(command);
  return { endpoint: moto.endpoint, moto };
}

if (only.has('scan')) {
  const { endpoint, moto } = await motoEndpoint('scan');
  try {
    const calls = (counts: Record<string, number>) =>
      Object.entries(counts)
        .map(([operation, count]) => `${operation.replace('ec2:', '')} ${count}`)
        .join(', ');
    console.log('## Scan: security groups on moto (moto answers every listing in one page)\n');
    console.log(
      '| groups | driftgate batched | per-resource loop (refresh) | time ratio (loop / batched) | API calls, batched | API calls, loop | peak heap, batched |',
    );
    console.log('| ---: | ---: | ---: | ---: | --- | --- | ---: |');
    for (const row of await benchScan(
      endpoint,
      numbers(process.env.BENCH_SIZES, '100,1000,5000'),
    )) {
      console.log(
        `| ${row.groups} | ${ms(row.batched.ms)} | ${ms(row.perResource.ms)} | ${(row.perResource.ms / row.batched.ms).toFixed(1)}× | ${calls(row.batched.calls)} | ${calls(row.perResource.calls)} | ${row.batched.peakHeapMb.toFixed(1)} MB |`,
      );
    }
    console.log('');
  } finally {
    moto?.stop();
  }
}

if (only.has('codify')) {
  const codify = await benchCodify(100);
  if (existsSync('dist/cli-bundle/main.js'))
    codify.process = await benchCodifyProcess(
      'bin/driftgate.js',
      Number(process.env.BENCH_CODIFY_RUNS ?? 5),
      process.env.BENCH_BASELINE_BIN,
      codify.oracleTexts,
    );
  else console.log('(no dist/: `npm run build` first to measure the whole codify process)\n');
  console.log(renderCodifyBench(codify));
}

if (only.has('startup') || only.has('state')) buildCli();

if (only.has('startup')) {
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  console.log(`## CLI start-up (compiled CLI, median of ${runs} child processes)\n`);
  console.log('| command | wall time | over `node -e 0` | peak RSS |');
  console.log('| --- | ---: | ---: | ---: |');
  const rows = benchStartup(runs, process.env.BENCH_BASELINE_BIN);
  const baseline = rows[0]!.ms;
  for (const row of rows)
    console.log(
      `| \`${row.command}\` | ${ms(row.ms)} | +${ms(row.ms - baseline)} | ${mb(row.peakRssMb)} |`,
    );
  console.log('');
}

if (only.has('state')) {
  console.log('## Reading a large state: peak RSS of `driftgate state list` (child process)\n');
  const baselineBin = process.env.BENCH_BASELINE_BIN;
  console.log(
    `| state file | \`JSON.parse\` of the file alone (baseline) | \`driftgate state list\` | state list / file size | wall time | reader via JSON.parse: peak RSS | / file size | wall time | reader streamed: peak RSS | / file size | wall time |${baselineBin ? ' baseline build: peak RSS | / file size | wall time | same output |' : ''}`,
  );
  console.log(
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${baselineBin ? ' ---: | ---: | ---: | :---: |' : ''}`,
  );
  for (const row of await benchStateRss(
    numbers(process.env.BENCH_STATE_MB, '10,100'),
    baselineBin,
  )) {
    const base = row.baselineStateList;
    console.log(
      `| ${mb(row.fileMb)} | ${mb(row.parseOnly.peakRssMb)} (${(row.parseOnly.peakRssMb / row.fileMb).toFixed(1)}×) | ${mb(row.stateList.peakRssMb)} | ${(row.stateList.peakRssMb / row.fileMb).toFixed(1)}× | ${ms(row.stateList.ms)} | ${mb(row.wholeRead.peakRssMb)} | ${(row.wholeRead.peakRssMb / row.fileMb).toFixed(1)}× | ${ms(row.wholeRead.ms)} | ${mb(row.streamedRead.peakRssMb)} | ${(row.streamedRead.peakRssMb / row.fileMb).toFixed(1)}× | ${ms(row.streamedRead.ms)} |${base ? ` ${mb(base.peakRssMb)} | ${(base.peakRssMb / row.fileMb).toFixed(1)}× | ${ms(base.ms)} | ${row.sameOutput ? 'yes' : 'NO'} |` : ''}`,
    );
    if (base && !row.sameOutput)
      throw new Error('state list: the two builds printed different addresses');
  }
  console.log('');
}

if (only.has('service')) {
  if (!redisCommand())
    throw new Error('BENCH_ONLY=service needs redis-server (apt-get install redis-server)');
  if (!existsSync('dist/server.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const { endpoint, moto } = await motoEndpoint('service');
  try {
    const seconds = Number(process.env.BENCH_INTAKE_SECONDS ?? 60);
    const service = await benchService(endpoint, seconds);
    const { intake } = service;
    console.log(
      `## Service: webhook intake, ${intake.rate} deliveries/s for ${intake.seconds} s, one process (web + workers) on Redis\n`,
    );
    console.log('| deliveries | answered 200 | ack p50 | ack p99 | ack max | jobs completed |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${intake.sent} | ${intake.ok} | ${intake.p50.toFixed(1)} ms | ${intake.p99.toFixed(1)} ms | ${intake.max.toFixed(1)} ms | ${intake.jobsCompleted} |`,
    );
    console.log(
      '\n## Service: scans per minute, 6 repositories × 3 rounds, worker processes taking one scan at a time\n',
    );
    console.log('| workers | scans | time | scans/minute | ratio to 1 worker |');
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    const base = service.scans[0]!;
    for (const row of service.scans)
      console.log(
        `| ${row.workers} | ${row.scans} | ${(row.ms / 1000).toFixed(1)} s | ${row.perMinute.toFixed(1)} | ${(row.perMinute / base.perMinute).toFixed(2)}× |`,
      );
    console.log('');
  } finally {
    moto?.stop();
  }
}
