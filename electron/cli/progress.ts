import type { BundleProgress } from '../shared/bundles.ts';
import type { SyncProgress } from '../shared/domain.ts';

const n = (v: number): string => v.toLocaleString('en-US');

/** The bar and its percent, the start of every progress line: `[#######---------------------]  25.0%`. */
export function progressBar(percent: number, width = 28): string {
  const filled = Math.round((Math.min(percent, 100) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent.toFixed(1).padStart(5)}%`;
}

/** One line: bar, percent, records, pages, windows, subscribers, rate, and retries when there were any. */
export function progressLine(p: SyncProgress, width = 28): string {
  return `${progressBar(p.percent, width)}  ${n(p.records)} records  ${n(p.pages)} pages  ` +
    `${n(p.windowsDone)}/${n(p.windowsTotal)} windows  ${p.subscribersDone}/${p.subscribersTotal} subscribers  ` +
    `${n(p.rate)} rec/s${p.retries > 0 ? `  ${n(p.retries)} retries` : ''}`;
}

/** One line of a bundle export, verification or import: bar, percent, phase, done of total, file. */
export function bundleProgressLine(p: BundleProgress, width = 28): string {
  return `${progressBar(p.percent, width)}  ${p.phase}  ${n(p.done)}/${n(p.total)} ${p.unit === 'records'
    ? 'usage records' : 'usage chunks'}  ${p.fileName}`;
}

interface Printer<P> {
  update(p: P): void;
  finish(): void;
}

/**
 * Draws progress on stderr: redrawn in place on a terminal; on a pipe or in a log, one line per 10 % so that
 * scheduled runs leave a readable trace. A new stage (an import's verify pass, then its write pass) starts its own
 * bar.
 */
export function createLinePrinter<P extends { percent: number }>(write: (text: string) => void, isTTY: boolean,
  line: (p: P) => string, stage: (p: P) => string = () => ''): Printer<P> {
  let lastStep = -1;
  let drawn = false;
  let lastStage: string | null = null;
  return {
    update(p) {
      if (stage(p) !== lastStage) {
        if (isTTY && drawn) process.stderr.write('\n');
        lastStage = stage(p);
        lastStep = -1;
      }
      if (isTTY) {
        process.stderr.write(`\r${line(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const step = Math.floor(p.percent / 10);
      if (step > lastStep) {
        lastStep = step;
        write(line(p));
      }
    },
    finish() {
      if (isTTY && drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

/** Sync progress, drawn by createLinePrinter. */
export function createProgressPrinter(write: (text: string) => void, isTTY: boolean): Printer<SyncProgress> {
  return createLinePrinter(write, isTTY, (p: SyncProgress) => progressLine(p));
}

/** Bundle progress, one bar per operation and phase. */
export function createBundleProgressPrinter(write: (text: string) => void, isTTY: boolean): Printer<BundleProgress> {
  return createLinePrinter(write, isTTY, (p: BundleProgress) => bundleProgressLine(p), (p) => `${p.operation}:${p.phase}`);
}
