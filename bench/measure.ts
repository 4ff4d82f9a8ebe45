/** Wall time and peak heap of one piece of work (heap sampled every 5 ms). */
export interface Measurement {
  ms: number;
  /** Growth of the JS heap over the work (sampled; synchronous stretches can hide peaks). */
  peakHeapMb: number;
  /** The process's peak resident set size once the work is done. */
  peakRssMb: number;
}

export async function measure(work: () => Promise<void>): Promise<Measurement> {
  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return {
    ms,
    peakHeapMb: (peak - baseline) / 1_048_576,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
