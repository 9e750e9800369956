import type { SyncProgress } from '../shared/domain.ts';

const n = (v: number): string => v.toLocaleString('en-US');

/** One line: bar, percent, records, pages, windows, subscribers, rate, and retries when there were any. */
export function progressLine(p: SyncProgress, width = 28): string {
  const filled = Math.round((Math.min(p.percent, 100) / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `${bar} ${p.percent.toFixed(1).padStart(5)}%  ${n(p.records)} records  ${n(p.pages)} pages  ` +
    `${n(p.windowsDone)}/${n(p.windowsTotal)} windows  ${p.subscribersDone}/${p.subscribersTotal} subscribers  ` +
    `${n(p.rate)} rec/s${p.retries > 0 ? `  ${n(p.retries)} retries` : ''}`;
}

/**
 * Draws sync progress on stderr: redrawn in place on a terminal; on a pipe or in a log, one line per 10 % so that
 * scheduled runs leave a readable trace.
 */
export function createProgressPrinter(write: (text: string) => void, isTTY: boolean): {
  update(p: SyncProgress): void;
  finish(): void;
} {
  let lastStep = -1;
  let drawn = false;
  return {
    update(p) {
      if (isTTY) {
        process.stderr.write(`\r${progressLine(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const step = Math.floor(p.percent / 10);
      if (step > lastStep) {
        lastStep = step;
        write(progressLine(p));
      }
    },
    finish() {
      if (isTTY && drawn) process.stderr.write('\n');
    },
  };
}
