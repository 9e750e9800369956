import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from '../../electron/core/cache/open.ts';
import { importUsageFiles } from '../../electron/core/exports/import-pages.ts';
import { errorOf } from '../support/errors.ts';

const fixture = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const RECORDED = fixture('usage-page-2019-12-10T19.json');

describe('importing saved usage pages', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-import-'));
    db = openCache(join(dir, 'cache.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = (): unknown => db.prepare('SELECT count(*) FROM usage_records').pluck().get();
  const failure = (paths: string[]) => errorOf(() => importUsageFiles(db, paths, { connectionId: null }));
  /** Writes a page whose records are the recording's first `n`, with their periods changed as asked. */
  const pageFile = (name: string, n: number, edit: (properties: Record<string, string>, i: number) => void = () => {}) => {
    const page = JSON.parse(readFileSync(RECORDED, 'utf8')) as { value: { properties: Record<string, string> }[] };
    page.value = page.value.slice(0, n);
    page.value.forEach((r, i) => edit(r.properties, i));
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(page));
    return path;
  };

  it('imports the recorded page, and importing it again changes nothing', () => {
    expect(importUsageFiles(db, [RECORDED], { connectionId: null })).toEqual([
      { file: RECORDED, format: 'rest-pages', pages: 1, records: 236, inserted: 236, updated: 0 },
    ]);
    expect(importUsageFiles(db, [RECORDED], { connectionId: null })).toEqual([
      { file: RECORDED, format: 'rest-pages', pages: 1, records: 236, inserted: 0, updated: 0 },
    ]);
    expect(rows()).toBe(236);
    expect(db.prepare("SELECT count(*) FROM usage_records WHERE granularity = 'Hourly'").pluck().get()).toBe(236);
  });

  it('refuses a truncated file, naming it, and writes nothing', () => {
    const truncated = fixture('usage-page-truncated.json');
    const err = failure([truncated]);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(new RegExp(`^${truncated}: not valid JSON \\(`));
    expect(rows()).toBe(0);
  });

  it('refuses a record with a bad time, naming file, record and field, and writes none of the file', () => {
    const bad = fixture('usage-page-bad-time.json');
    const err = failure([bad]);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe(`${bad}: record 1: usageStartTime "yesterday" is not an ISO time`);
    expect(rows()).toBe(0);
  });

  it('keeps the files imported before a bad one, says so, and leaves the cache otherwise untouched', () => {
    const good = pageFile('good.json', 20);
    const bad = fixture('usage-page-bad-time.json');
    const err = failure([good, bad, RECORDED]);
    expect(err.message).toBe(
      `${bad}: record 1: usageStartTime "yesterday" is not an ISO time (nothing of it was imported; already imported: ${good})`,
    );
    expect(rows()).toBe(20);
  });

  it('infers Hourly and Daily per record and refuses any other period', () => {
    const mixed = pageFile('mixed.json', 10, (p, i) => {
      if (i % 2) p.usageEndTime = '2019-12-11T18:00:00+00:00'; // a day after an 18:00 start
    });
    expect(importUsageFiles(db, [mixed], { connectionId: null })[0]).toMatchObject({ records: 10, inserted: 10 });
    expect(db.prepare('SELECT granularity, count(*) AS n FROM usage_records GROUP BY granularity ORDER BY 1').all()).toEqual([
      { granularity: 'Daily', n: 5 },
      { granularity: 'Hourly', n: 5 },
    ]);

    const odd = pageFile('odd.json', 5, (p, i) => {
      if (i === 3) p.usageEndTime = '2019-12-10T20:00:00+00:00';
    });
    expect(failure([odd]).message).toBe(`${odd}: record 3: usage period of 7200 s is neither an hour (Hourly) nor a day (Daily)`);
    expect(rows()).toBe(10);
  });

  it('imports a file holding an array of pages, naming the page in errors', () => {
    const page = JSON.parse(readFileSync(RECORDED, 'utf8')) as { value: unknown[] };
    const pages = join(dir, 'pages.json');
    // the page text is spliced in as is, so the quantities keep their digits
    const text = readFileSync(RECORDED, 'utf8');
    writeFileSync(pages, `[${JSON.stringify({ value: page.value.slice(0, 0), nextLink: 'https://x/next' })},\n${text}]`);
    expect(importUsageFiles(db, [pages], { connectionId: null })).toEqual([
      { file: pages, format: 'rest-pages', pages: 2, records: 236, inserted: 236, updated: 0 },
    ]);
    expect(db.prepare("SELECT quantity_text FROM usage_records WHERE quantity_text = '49.384346361272037'").pluck().get()).toBe(
      '49.384346361272037',
    );

    const badPages = join(dir, 'bad-pages.json');
    writeFileSync(badPages, `[${text}, ${readFileSync(fixture('usage-page-bad-time.json'), 'utf8')}]`);
    expect(failure([badPages]).message).toBe(`${badPages}: page 2: record 1: usageStartTime "yesterday" is not an ISO time`);
    expect(rows()).toBe(236);
  });

  it('reads a file that starts with a byte order mark', () => {
    const withBom = join(dir, 'bom.json');
    writeFileSync(withBom, `\uFEFF${readFileSync(RECORDED, 'utf8')}`);
    expect(importUsageFiles(db, [withBom], { connectionId: null })[0].inserted).toBe(236);
  });

  it('says which file does not exist', () => {
    const missing = join(dir, 'nope.json');
    const err = failure([missing]);
    expect([err.code, err.message]).toEqual(['NOT_FOUND', `${missing}: no such file`]);
  });

  it('ties imported rows to a connection when asked', () => {
    db.prepare(`
      INSERT INTO connections (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, client_id, secret_source,
                               provider_subscription_id, created_at)
      VALUES (3, 'north', 'https://a', 'operator', 'adfs', 'https://l/adfs', 'https://aud', 'c', 'session', 's', 'now')`).run();
    const copy = join(dir, 'copy.json');
    copyFileSync(RECORDED, copy);
    importUsageFiles(db, [copy], { connectionId: 3 });
    expect(db.prepare('SELECT count(*) FROM usage_records WHERE connection_id = 3').pluck().get()).toBe(236);
  });

  describe('files operators already have on disk', () => {
    const EN_US = fixture('imports/usage-summary-en-US.csv');
    const DE_DE = fixture('imports/usage-summary-de-DE.csv');
    const CONVERTTO_JSON = fixture('imports/subscriber-usage-convertto-json.json');
    const keys = (): unknown[] => db.prepare(`
      SELECT usage_start, usage_end, subscription_key, meter_key, resource_key, granularity, quantity_text
      FROM usage_records ORDER BY 1, 2, 3, 4, 5, 6`).raw().all();

    it('lands a usage summary CSV (en-US or de-DE) and ConvertTo-Json output under the same keys, never twice', () => {
      const [first] = importUsageFiles(db, [EN_US], { connectionId: null });
      expect(first).toMatchObject({ format: 'usage-summary-csv', pages: 0, updated: 0 });
      expect(first!.inserted).toBe(first!.records);
      const afterEnUs = keys();
      expect(importUsageFiles(db, [DE_DE], { connectionId: null })[0])
        .toMatchObject({ format: 'usage-summary-csv', inserted: 0, updated: 0 });
      expect(importUsageFiles(db, [CONVERTTO_JSON], { connectionId: null })[0])
        .toMatchObject({ format: 'convertto-json', inserted: 0, updated: 0 });
      expect(keys()).toEqual(afterEnUs);
    });

    it('refuses a CSV with a bad row, naming the line and column, and imports nothing of it', () => {
      const lines = readFileSync(EN_US, 'utf8').split('\r\n');
      lines[2] = lines[2]!.replace(/"[^"]*AM"|"[^"]*PM"/, '"not a date"');
      const broken = join(dir, 'broken.csv');
      writeFileSync(broken, lines.join('\r\n'));
      const err = failure([broken]);
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toMatch(/broken\.csv.*line 3/s);
      expect(rows()).toBe(0);
    });

    it('says what it imports when a file is none of the three kinds', () => {
      const other = join(dir, 'notes.txt');
      writeFileSync(other, 'just some notes\n');
      expect(failure([other]).message).toMatch(/usage summary CSV/);
    });
  });
});
