// Preloaded into a benchmarked child process (`node --import ./bench/rss-probe.mjs …`):
// on exit, writes the process's peak resident set size (KiB) to $BENCH_RSS_FILE. It reads
// VmHWM, not resourceUsage().maxRSS: on Linux ru_maxrss carries over the parent's RSS from
// before exec, so a small child started by a large bench process would report the parent.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  writeFileSync(process.env.BENCH_RSS_FILE, hwm ?? String(process.resourceUsage().maxRSS));
});
