// The results table (stdout and RESULTS.md share it) and the dated sections of RESULTS.md.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface PhaseResult {
  name: string;
  /** 'baseline' is the raw ceiling; 'info' rows explain where time goes but are not ingest paths. */
  kind: 'baseline' | 'ingest' | 'info';
  records: number;
  /** Seconds of every round, in order; rates and ratios use the best (lowest). */
  runs: number[];
  /** Highest process RSS (bytes) seen during the phase in any round. */
  peakRss: number;
}

export const best = (r: PhaseResult) => Math.min(...r.runs);

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function renderTable(results: PhaseResult[]): string {
  const baseline = results.find((r) => r.kind === 'baseline');
  const baseRate = baseline ? baseline.records / best(baseline) : NaN;
  const header = ['Phase', 'Records', 'Best s', 'Records/s', 'vs raw', 'All rounds, s', 'Peak RSS MiB'];
  const rows = results.map((r) => {
    const rate = r.records / best(r);
    const ratio = r.kind === 'baseline' ? '1.00 (baseline)' : (rate / baseRate).toFixed(2);
    const name = r.kind === 'info' ? `(info) ${r.name}` : r.name;
    return [name, int(r.records), best(r).toFixed(2), int(rate), ratio, r.runs.map((s) => s.toFixed(2)).join(' '),
      int(r.peakRss / 2 ** 20)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const pad = (c: string, i: number) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const PREAMBLE = `# Ingest benchmark results

Written by \`npm run bench\` (test/bench/run.ts). Newest section first; a run replaces the section of the same day and
size and keeps the others. Every ratio compares a phase with the raw ceiling measured in the same process run, so
ratios are comparable across machines where absolute rates are not.
`;

/** Puts `section` (starting with its "## " heading) first, replacing an earlier section with the same heading. */
export function updateResultsFile(file: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : PREAMBLE;
  const start = text.search(/^## /m);
  const preamble = start < 0 ? text : text.slice(0, start);
  const sections = start < 0 ? [] : text.slice(start).split(/^(?=## )/m);
  const heading = section.slice(0, section.indexOf('\n'));
  const kept = sections.filter((s) => s.slice(0, s.indexOf('\n')) !== heading);
  const body = [section, ...kept].map((s) => `${s.trimEnd()}\n`).join('\n');
  writeFileSync(file, `${preamble.trimEnd()}\n\n${body}`);
}
