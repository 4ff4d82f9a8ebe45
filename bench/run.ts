/**
 * `npm run bench`: every benchmark, each compared with a baseline measured in the same
 * run; prints a markdown report (copy it into docs/performance.md).
 * BENCH_SIZES=100,1000 limits the scan sizes; AWS_ENDPOINT_URL uses a running moto.
 * BENCH_ONLY=codify runs the codify benchmark alone (no moto); BENCH_RUNS (default 5) sets
 * how many codify processes make the median, BENCH_BASELINE_BIN another build's
 * bin/driftgate.js to run side by side (e.g. main's, built in a copy of the repository).
 */
import { motoCommand, startMoto, type RunningMoto } from '../test/support/moto-server.js';
import { existsSync } from 'node:fs';
import { benchCodify, benchCodifyProcess, renderCodifyBench } from './codify.js';
import { benchScan } from './scan.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const calls = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([operation, count]) => `${operation.replace('ec2:', '')} ${count}`)
    .join(', ');

// Codify first: it needs no moto. BENCH_ONLY=codify stops after it.
const codify = await benchCodify(100);
if (existsSync('dist/cli/main.js'))
  codify.process = await benchCodifyProcess(
    'bin/driftgate.js',
    Number(process.env.BENCH_RUNS ?? 5),
    process.env.BENCH_BASELINE_BIN,
  );
else console.log('(no dist/: `npm run build` first to measure the whole codify process)\n');
console.log(renderCodifyBench(codify));

let moto: RunningMoto | undefined;
let endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint && process.env.BENCH_ONLY !== 'codify') {
  const command = motoCommand();
  if (!command)
    throw new Error(
      'npm run bench needs moto_server (pip install "moto[server]") or AWS_ENDPOINT_URL',
    );
  moto = await startMoto(command);
  endpoint = moto.endpoint;
}

try {
  if (endpoint && process.env.BENCH_ONLY !== 'codify') await benchScans(endpoint);
} finally {
  moto?.stop();
}

async function benchScans(endpoint: string): Promise<void> {
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
