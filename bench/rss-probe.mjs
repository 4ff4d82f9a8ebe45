// Preloaded into a benchmarked child process (`node --import ./bench/rss-probe.mjs …`):
// on exit, writes the process's peak resident set size (KiB) to $BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
