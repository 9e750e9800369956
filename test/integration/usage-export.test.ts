import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../electron/core/cache/open.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import type { ExploreQuery, ExploreRow, ExploreTotals, ExportResult } from '../../electron/shared/domain.ts';
import { runCli } from '../support/cli.ts';
import { download } from '../support/download.ts';
import { quiet } from './sync-helpers.ts';
import { fillCache, FORMULA_GROUP, FORMULA_TAG, NEGATIVE_RESOURCE } from './usage-fixture.ts';

const NOW = new Date('2026-11-22T10:11:12Z');

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let dbPath: string;
let exportDir: string;
let core: Core;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-export-'));
  dbPath = join(dir, 'cache.sqlite');
  const db = openCache(dbPath);
  fillCache(db);
  db.close();
  core = createCore({ dbPath, clock: { now: () => NOW }, log: quiet });
  exportDir = join(dir, 'exports');
});

afterAll(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return records;
}

const allRows = async (query: ExploreQuery): Promise<{ rows: ExploreRow[]; totals: ExploreTotals }> => {
  const page = await core['usage:explore'](query, 0, 5000);
  return { rows: page.rows, totals: page.totals };
};

const quoted = (text: string): string => (/^[=+\-@]/.test(text) ? `'${text}` : text);

describe('usage export to CSV', () => {
  const query: ExploreQuery = { filter: {}, groupBy: ['resourceGroup', 'tag', 'meter'], tagKey: 'owner' };
  let result: ExportResult;
  let text: string;

  beforeAll(async () => {
    result = await core['usage:export'](query, 'csv');
    text = readFileSync(result.path, 'utf8');
  });

  it('records the export in the audit log with the query and the file\'s SHA-256', async () => {
    const entries = (await core['audit:list'](0, 100)).rows;
    const entry = entries.find((e) => e.action === 'export'
      && (e.details as { files: { fileName: string }[] }).files[0]!.fileName === result.fileName);
    expect(entry).toMatchObject({
      subject: 'usage', at: NOW.toISOString(),
      details: { format: 'csv', query, files: [{ rows: result.rows, bytes: result.bytes, sha256: sha256Of(result.path) }] },
    });
  });

  it('writes a UTF-8 file with a byte order mark and CRLF lines into the exports folder, named by the time', () => {
    expect(result.fileName).toBe('stackmeter-usage-20261122-101112.csv');
    expect(result.path).toBe(join(exportDir, result.fileName));
    expect(result.bytes).toBe(statSync(result.path).size);
    expect(text.startsWith('\uFEFF')).toBe(true);
    // No field of this export holds a line break, so every CR and LF belongs to a record end.
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('parses back to every group of the explorer, in its order, then a totals row', async () => {
    const records = parseCsv(text.slice(1));
    expect(records[0]).toEqual(['Resource group', 'Tag: owner', 'Meter', 'Meter ID', 'Records', 'Quantity', 'Unit']);
    const { rows, totals } = await allRows(query);
    expect(result.rows).toBe(rows.length);
    expect(records.slice(1, -1)).toEqual(rows.map((r) => [
      quoted(r.groups[0]!.label), quoted(r.groups[1]!.label), r.groups[2]!.label, r.groups[2]!.key, String(r.records),
      r.quantity ?? '', r.unit ?? '',
    ]));
    expect(records.at(-1)).toEqual(['Total', '', '', '', String(totals.records), totals.quantity ?? '', totals.unit ?? '']);
  });

  it('neutralises formulas in resource groups and tag values but keeps negative quantities numbers', async () => {
    const records = parseCsv(text.slice(1));
    expect(records.some((r) => r[0] === `'${FORMULA_GROUP}`)).toBe(true);
    expect(records.some((r) => r[1] === `'${FORMULA_TAG}`)).toBe(true);
    expect(records.flat().some((cell) => /^[=+@]/.test(cell))).toBe(false);
    const negative = await core['usage:export'](
      { filter: { resources: [NEGATIVE_RESOURCE.uri] }, groupBy: ['resource'] }, 'csv');
    const [, row] = parseCsv(readFileSync(negative.path, 'utf8').slice(1));
    expect(row).toEqual(['sa9', NEGATIVE_RESOURCE.uri, '1', '-0.5', '']);
  });

  it('never overwrites an earlier export and leaves no temporary file behind', async () => {
    const again = await core['usage:export'](query, 'csv');
    expect(again.fileName).toMatch(/^stackmeter-usage-20261122-101112-\d+\.csv$/);
    expect(readFileSync(again.path, 'utf8')).toBe(text);
    expect(readdirSync(exportDir).filter((f) => !f.startsWith('stackmeter-usage-'))).toEqual([]);
  });
});

describe('usage export to XLSX', () => {
  const query: ExploreQuery = {
    filter: { period: { from: '2026-10-30', to: '2026-12-01' }, stamps: ['east'] },
    groupBy: ['resourceGroup', 'resource', 'meter'],
    sort: { by: 'resource' },
  };
  let result: ExportResult;
  let book: ExcelJS.Workbook;

  beforeAll(async () => {
    result = await core['usage:export'](query, 'xlsx');
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(result.path);
  });

  it('opens with a bold, frozen header row and every group then a bold totals row', async () => {
    expect(result.fileName).toMatch(/^stackmeter-usage-20261122-101112(-\d+)?\.xlsx$/);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Usage', 'About']);
    const sheet = book.getWorksheet('Usage')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = sheet.getRow(1);
    expect(header.values).toEqual([undefined, 'Resource group', 'Resource', 'Resource ID', 'Meter', 'Meter ID', 'Records',
      'Quantity', 'Unit']);
    expect(header.font?.bold).toBe(true);
    expect(sheet.getColumn(3).width).toBeGreaterThan(40);
    const { rows, totals } = await allRows(query);
    expect(sheet.rowCount).toBe(rows.length + 2);
    const last = sheet.getRow(rows.length + 2);
    expect(last.getCell(1).value).toBe('Total');
    expect(last.getCell(6).value).toBe(totals.records);
    expect(last.font?.bold).toBe(true);
    rows.forEach((r, i) => {
      const cells = sheet.getRow(i + 2);
      expect(cells.getCell(1).value).toBe(quoted(r.groups[0]!.label));
      expect(cells.getCell(3).value).toBe(r.groups[1]!.key);
      expect(cells.getCell(6).value).toBe(r.records);
      // A quantity is a number when the double reads back as the same decimal, else the exact text.
      const quantity = cells.getCell(7).value;
      if (r.quantity === null) expect(quantity ?? '').toBe('');
      else if (typeof quantity === 'number') expect(String(quantity)).toBe(r.quantity);
      else expect(quantity).toBe(r.quantity);
    });
    const quantities = rows.map((_, i) => sheet.getRow(i + 2).getCell(7).value);
    expect(quantities).toContain(-0.5);
    expect(quantities.some((q) => typeof q === 'string' && q.replace('-', '').replace('.', '').length > 17)).toBe(true);
  });

  it('describes the filter, grouping, period and export time on an About sheet', () => {
    const about = new Map<string, unknown>();
    book.getWorksheet('About')!.eachRow((row) => about.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(about.get('Exported')).toBe('2026-11-22T10:11:12Z (UTC)');
    expect(about.get('Period')).toBe('2026-10-30 to 2026-12-01 (end excluded)');
    expect(about.get('Grouped by')).toBe('resourceGroup, resource, meter');
    expect(about.get('Sorted by')).toBe('resource');
    expect(about.get('Stamps')).toBe('east');
    expect(about.get('Groups')).toBe(result.rows);
  });
});

describe('browser-mode download of an export', () => {
  let server: RunningServer;
  let file: ExportResult;

  beforeAll(async () => {
    const staticDir = join(dir, 'renderer');
    mkdirSync(staticDir, { recursive: true });
    server = await startServer({ core, staticDir, exportDir });
    file = await core['usage:export']({ filter: {}, groupBy: ['meter'] }, 'xlsx');
  });
  afterAll(() => server.close());

  const get = (path: string, token?: string) => download(server, path, token ?? null);

  it('needs the launch token', async () => {
    expect((await get(`/api/exports/${file.fileName}`)).status).toBe(401);
    expect((await get(`/api/exports/${file.fileName}`, 'wrong-token-wrong-token')).status).toBe(401);
  });

  it('serves only export names from the exports folder', async () => {
    for (const name of ['..%2Fcache.sqlite', 'cache.sqlite', 'stackmeter-usage-1.txt',
      'stackmeter-usage-20991231-000000.csv', '%2Fetc%2Fpasswd', 'stackmeter-usage-1.csv%2F..%2F..%2Fcache.sqlite']) {
      expect((await get(`/api/exports/${name}`, server.token)).status, name).toBe(404);
    }
    // The URL parser folds dot segments: this one names the API method "cache.sqlite", which only answers POST.
    expect((await get('/api/exports/../cache.sqlite', server.token)).status).toBe(405);
  });

  it('downloads the file as an attachment with its bytes and type', async () => {
    const answer = await get(`/api/exports/${file.fileName}`, server.token);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="${file.fileName}"`);
    expect(answer.body.equals(readFileSync(file.path))).toBe(true);
  });
});

describe('stackmeter usage', () => {
  const stackmeter = (args: string[]) => runCli(['usage', ...args, '--db', dbPath]);

  it('prints grouped usage as JSON with the same totals as the explorer', async () => {
    const out = await stackmeter(['--group-by', 'tenant,stamp', '--from', '2026-10-30', '--to', '2026-11-02', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const expected = await allRows({ filter: { period: { from: '2026-10-30', to: '2026-11-02' } },
      groupBy: ['tenant', 'stamp'] });
    expect(JSON.parse(out.stdout)).toEqual({ totals: expected.totals, rows: expected.rows });
  });

  it('prints a table filtered by repeated and comma-separated values', async () => {
    const out = await stackmeter(['--meter', 'FAB6EB84500B4A09A8CA7358F8BBAEA5,9cd92d4c-bafd-4492-b278-bedc2de8232a',
      '--tag', 'env=prod', '--group-by', 'resource', '--limit', '1']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^resource\s+resource ID\s+records\s+quantity\s+unit/);
    expect(out.stdout).toContain('Virtual core hours');
    expect(out.stdout).toMatch(/Total: 2 group\(s\), [\d,]+ record\(s\), [\d,.]+ Virtual core hours\. Showing the first 1/);
  });

  it('writes CSV or XLSX to --out', async () => {
    const target = join(dir, 'reports', 'usage.csv');
    mkdirSync(join(dir, 'reports'));
    const out = await stackmeter(['--group-by', 'subscription', '--out', target]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`to ${target}.`);
    expect(readFileSync(target, 'utf8')).toMatch(/^\uFEFFSubscription,Subscription ID,Records,Quantity,Unit\r\n/);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['usage.csv']);
    // Audited under the name the core gave it; the SHA-256 finds the file under the name asked for.
    const [entry] = (await core['audit:list'](0, 1)).rows;
    expect(entry).toMatchObject({ action: 'export', subject: 'usage', details: {
      format: 'csv', query: { groupBy: ['subscription'] }, files: [{ sha256: sha256Of(target) }],
    } });
  });

  it('fails with a clear message and exit code for an unknown stamp or dimension', async () => {
    const stamp = await stackmeter(['--stamp', 'nowhere']);
    expect(stamp.code).toBe(1);
    expect(stamp.stderr).toContain('There is no stamp named "nowhere"');
    const dim = await stackmeter(['--group-by', 'colour']);
    expect(dim.code).toBe(2);
    expect(dim.stderr).toContain('"colour" is not a dimension');
  });
});
