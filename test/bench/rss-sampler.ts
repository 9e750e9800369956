import { Worker } from 'node:worker_threads';

export interface RssSampler {
  /** Starts a new phase: its peak begins at the current RSS. */
  reset(): void;
  /** Highest RSS (bytes) seen since the last reset. */
  peak(): number;
  stop(): Promise<void>;
}

// The import and the raw inserts are synchronous, so a timer on the main thread would never fire while they run. A
// worker samples instead: RSS is per process, so it sees the main thread's memory. It keeps the maximum in shared
// memory (KiB, so an Int32 holds up to 2 TiB).
const SAMPLER_SOURCE = `
const { workerData } = require('node:worker_threads');
const peak = new Int32Array(workerData);
setInterval(() => {
  const kib = Math.round(process.memoryUsage.rss() / 1024);
  let seen = Atomics.load(peak, 0);
  while (kib > seen) {
    const before = Atomics.compareExchange(peak, 0, seen, kib);
    if (before === seen) break;
    seen = before;
  }
}, 5);
`;

export function startRssSampler(): RssSampler {
  const shared = new SharedArrayBuffer(4);
  const peak = new Int32Array(shared);
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: shared });
  const nowKib = () => Math.round(process.memoryUsage.rss() / 1024);
  Atomics.store(peak, 0, nowKib());
  return {
    reset: () => Atomics.store(peak, 0, nowKib()),
    peak: () => Math.max(Atomics.load(peak, 0), nowKib()) * 1024,
    stop: () => worker.terminate().then(() => undefined),
  };
}
