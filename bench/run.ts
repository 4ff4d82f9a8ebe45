/**
 * `npm run bench`: every benchmark, each compared with a baseline measured in the same
 * run; prints a markdown report (copy it into docs/performance.md).
 * BENCH_SIZES=100,1000 limits the scan sizes; AWS_ENDPOINT_URL uses a running moto.
 * BENCH_ONLY=service runs only the service benchmarks (needs redis-server; builds dist/
 * when missing); BENCH_INTAKE_SECONDS (default 60) sets the intake run's length.
 */
import { motoCommand, startMoto, type RunningMoto } from '../test/support/moto-server.js';
import { benchCodify } from './codify.js';
import { benchScan } from './scan.js';
import { benchService } from './service.js';
import { redisCommand } from '../test/support/redis-server.js';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const calls = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([operation, count]) => `${operation.replace('ec2:', '')} ${count}`)
    .join(', ');

let moto: RunningMoto | undefined;
let endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  const command = motoCommand();
  if (!command)
    throw new Error(
      'npm run bench needs moto_server (pip install "moto[server]") or AWS_ENDPOINT_URL',
    );
  moto = await startMoto(command);
  endpoint = moto.endpoint;
}

const only = process.env.BENCH_ONLY;
try {
  if (only !== 'service') {
    const codify = await benchCodify(100);
    console.log(
      `## Codify: ${codify.drifts} drifts across a ${(codify.bytes / 1_048_576).toFixed(2)} MB stack (${codify.resources} resources in 20 files)\n`,
    );
    console.log('| work | time | ratio to one parse | peak RSS (process) |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `| read the stack once (tree-sitter + HashiCorp's parser): the baseline | ${codify.parse.ms.toFixed(0)} ms | 1.0× | ${codify.parse.peakRssMb.toFixed(0)} MB |`,
    );
    console.log(
      `| codify ${codify.drifts} drifts (${codify.codified} codified, ${codify.refused} refused), each checked | ${codify.codify.ms.toFixed(0)} ms | ${(codify.codify.ms / codify.parse.ms).toFixed(1)}× | ${codify.codify.peakRssMb.toFixed(0)} MB |`,
    );
    console.log('');

    console.log(
      `## Scan: security groups on moto (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
    );
    console.log(
      '| groups | driftgate batched | per-resource loop (refresh) | time ratio (loop / batched) | API calls, batched | API calls, loop | peak heap, batched |',
    );
    console.log('| ---: | ---: | ---: | ---: | --- | --- | ---: |');
    for (const row of await benchScan(endpoint, sizes)) {
      console.log(
        `| ${row.groups} | ${row.batched.ms.toFixed(0)} ms | ${row.perResource.ms.toFixed(0)} ms | ${(row.perResource.ms / row.batched.ms).toFixed(1)}× | ${calls(row.batched.calls)} | ${calls(row.perResource.calls)} | ${row.batched.peakHeapMb.toFixed(1)} MB |`,
      );
    }
  }
  if (!redisCommand())
    throw new Error('the service benchmarks need redis-server (apt-get install redis-server)');
  if (!existsSync('dist/server.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const seconds = Number(process.env.BENCH_INTAKE_SECONDS ?? 60);
  const service = await benchService(endpoint, seconds);
  const { intake } = service;
  console.log(
    `\n## Service: webhook intake, ${intake.rate} deliveries/s for ${intake.seconds} s, one process (web + workers) on Redis\n`,
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
} finally {
  moto?.stop();
}
