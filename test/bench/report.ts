// The results table (stdout and RESULTS.md share it) and the dated sections of RESULTS.md.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MemoryMark, MemoryResult } from './memory.ts';
import { median, p95, type QueryResult } from './queries.ts';

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

/** A Markdown table; the first column is left-aligned, the others right-aligned. */
function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const pad = (c: string, i: number) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

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
  return markdownTable(header, rows);
}

/** A target as the table prints it: 300 ms, 3 s. */
export const targetText = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/**
 * The query table: the core's time beside DuckDB's on the same rows. "p95 < target": whether our 95th percentile is
 * under the row's target. "vs DuckDB" is ours / DuckDB's median (below 1: faster than DuckDB over the raw rows).
 */
export function renderQueryTable(results: QueryResult[]): string {
  const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
  const ratio = (n: number) => (n >= 0.1 ? n.toFixed(2) : n.toPrecision(2));
  const header = ['Query', 'Rows', 'Median ms', 'p95 ms', 'p95 < target', 'DuckDB median ms', 'DuckDB p95 ms',
    'vs DuckDB', 'All runs, ms'];
  const rows = results.map((r) => {
    const ours = median(r.ours);
    const met = p95(r.ours) < r.targetMs ? 'yes' : 'NO';
    return [r.name, int(r.rows), ms(ours), ms(p95(r.ours)), `${met} (${targetText(r.targetMs)})`, ms(median(r.duck)),
      ms(p95(r.duck)), ratio(ours / median(r.duck)), r.ours.map(ms).join(' ')];
  });
  return markdownTable(header, rows);
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const signedMib = (bytes: number) => `${bytes < 0 ? '-' : '+'}${mib(Math.abs(bytes))}`;
const percent = (part: number, whole: number) => `${part < 0 ? '-' : '+'}${(Math.abs(part) / whole * 100).toFixed(1)} %`;

/** Memory at each mark of the sync, and at its peak. */
export function renderMemoryTable(m: MemoryResult): string {
  const header = ['Point', 'Records', 'Seconds', 'RSS MiB', 'heapUsed MiB', 'RSS after GC MiB', 'heap after GC MiB',
    'Peak RSS since previous point MiB'];
  const row = (name: string, p: MemoryMark) => [name, int(p.records), p.seconds.toFixed(1), mib(p.rss),
    mib(p.heapUsed), mib(p.rssAfterGc), mib(p.liveHeap), p.fraction === 0 ? '' : mib(p.peakRssSince)];
  return markdownTable(header, [
    row('start (empty cache, collected heap)', m.start),
    ...m.marks.map((p) => row(`${p.fraction * 100} % of the records`, p)),
    ['peak (RSS: 5 ms sampler; heapUsed: 250 ms samples)', '', '', mib(m.peakRss), mib(m.peakHeapUsed), '', '', ''],
    ['peak of the 250 ms RSS samples', int(m.peakRssSample.records), m.peakRssSample.seconds.toFixed(1),
      mib(m.peakRssSample.rss), '', '', '', ''],
  ]);
}

/**
 * What the RSS after each mark's collection is made of. "Other anonymous" is malloc's share (SQLite's page cache and
 * statements, OpenSSL, Node's own structures) plus thread stacks: anonymous RSS less V8's heap and external memory.
 */
export function renderBreakdownTable(m: MemoryResult): string {
  const header = ['After GC at', 'RSS MiB', 'file-backed MiB', 'anonymous MiB', 'V8 heap committed MiB',
    'V8 heap live MiB', 'external MiB', 'other anonymous MiB'];
  const maybe = (bytes: number | null) => (bytes === null ? 'n/a' : mib(bytes));
  const row = (name: string, p: MemoryMark) => {
    const b = p.afterGc;
    return [name, mib(p.rssAfterGc), maybe(b.file), maybe(b.anon), mib(b.heapTotal), mib(p.liveHeap), mib(b.external),
      b.anon === null ? 'n/a' : mib(b.anon - b.heapTotal - b.external)];
  };
  return markdownTable(header, [row('start', m.start), ...m.marks.map((p) => row(`${p.fraction * 100} %`, p))]);
}

/**
 * Growth between marks. Flat memory grows from 10 % to 50 % (warm-up: caches, the page cache, the JIT) and then not
 * from 50 % to 100 %; memory that holds the records grows about as much per million records in both spans.
 */
export function renderGrowthTable(m: MemoryResult): string {
  const at = (fraction: number) => m.marks.find((p) => p.fraction === fraction) as MemoryMark;
  const header = ['Span', 'Records', 'RSS growth MiB', 'RSS growth %', 'RSS MiB per million records',
    'heapUsed growth MiB', 'RSS after GC growth MiB', 'heap after GC growth MiB'];
  const span = (from: number, to: number) => {
    const a = at(from);
    const b = at(to);
    const records = b.records - a.records;
    return [`${from * 100} % → ${to * 100} %`, int(records), signedMib(b.rss - a.rss), percent(b.rss - a.rss, a.rss),
      signedMib((b.rss - a.rss) / (records / 1e6)), signedMib(b.heapUsed - a.heapUsed),
      signedMib(b.rssAfterGc - a.rssAfterGc), signedMib(b.liveHeap - a.liveHeap)];
  };
  return markdownTable(header, [span(0.1, 1), span(0.1, 0.5), span(0.5, 1)]);
}

const PREAMBLE = `# Benchmark results

Written by \`npm run bench\` (test/bench/run.ts). Newest section first; a run replaces the section of the same day and
size and keeps the others. Every ingest ratio compares a phase with the raw ceiling measured in the same process
run, so ratios are comparable across machines where absolute rates are not. "memory" sections come from
\`npm run bench -- --memory\`: one sync of millions of records, with the process's memory along the way. "queries"
sections time the console's queries on a month of a large stamp beside DuckDB over the same rows; their ratio is
our time over DuckDB's, measured in the same process run.
`;

/** Puts `section` (starting with its "## " heading) first, replacing an earlier section with the same heading. */
export function updateResultsFile(file: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : PREAMBLE;
  const start = text.search(/^## /m);
  const sections = start < 0 ? [] : text.slice(start).split(/^(?=## )/m);
  const heading = section.slice(0, section.indexOf('\n'));
  const kept = sections.filter((s) => s.slice(0, s.indexOf('\n')) !== heading);
  const body = [section, ...kept].map((s) => `${s.trimEnd()}\n`).join('\n');
  writeFileSync(file, `${PREAMBLE.trimEnd()}\n\n${body}`);
}
