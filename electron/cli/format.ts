import type { CliContext } from './command.ts';

/** Plain-text table for terminal output: left-aligned text, right-aligned numbers. */
export function textTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i]).length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map((r) => line(r.map(String)))].join('\n');
}

/** Groups the integer part of an exact decimal string without converting it to a float. */
export function groupDecimal(value: string): string {
  const [int = '0', frac] = value.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${frac ? `.${frac}` : ''}`;
}

/**
 * The one way list commands print: JSON (of `json(items)`, or the items) with --json, else `empty` when there is
 * nothing, else a table of one `row` per item under `headers`.
 */
export function printList<T>(
  ctx: CliContext,
  items: T[],
  view: { json?: (items: T[]) => unknown; empty: string; headers: string[]; row: (item: T) => (string | number)[] },
): void {
  if (ctx.json) ctx.out(JSON.stringify(view.json ? view.json(items) : items, null, 2));
  else if (items.length === 0) ctx.out(view.empty);
  else ctx.out(textTable(view.headers, items.map(view.row)));
}
