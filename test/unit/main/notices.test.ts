import { describe, expect, it } from 'vitest';
import { exportFinishedNotice, importSummary, LONG_TASK_MS, syncFinishedNotice } from '../../../electron/main/notices.ts';
import type { SyncRunRow } from '../../../electron/shared/domain.ts';

const run = (overrides: Partial<SyncRunRow>): SyncRunRow => ({
  id: 7, connection: 'lab', status: 'succeeded', granularity: 'Hourly', from: '2026-10-01', to: '2026-11-01',
  startedAt: '2026-11-02T08:00:00.000Z', endedAt: '2026-11-02T08:04:05.000Z', subscribers: 3, pages: 40,
  records: 123456, inserted: 120000, updated: 0, windows: 10, windowsDone: 10, retries: 0, error: null, errorCode: null,
  windowErrors: [], ...overrides,
});

describe('syncFinishedNotice', () => {
  it('tells an operator who looked away that a long sync finished, with its counts', () => {
    expect(syncFinishedNotice(run({}), false))
      .toEqual({ title: 'Sync of lab finished', body: '123,456 records (120,000 new) in 4 min 5 s' });
  });

  it('says what went wrong when it did not succeed', () => {
    expect(syncFinishedNotice(run({ status: 'partial', error: '2 windows failed' }), false))
      .toEqual({ title: 'Sync of lab finished with gaps', body: '123,456 records (120,000 new) in 4 min 5 s. 2 windows failed' });
    expect(syncFinishedNotice(run({ status: 'failed' }), false)?.title).toBe('Sync of lab failed');
  });

  it('stays quiet for short syncs, while the console has focus, and for runs without an end', () => {
    expect(syncFinishedNotice(run({ endedAt: '2026-11-02T08:00:05.000Z' }), false)).toBeNull();
    expect(syncFinishedNotice(run({}), true)).toBeNull();
    expect(syncFinishedNotice(run({ endedAt: null }), false)).toBeNull();
  });
});

describe('exportFinishedNotice', () => {
  const file = { fileName: 'statement-2026-10.pdf', path: '/x/statement-2026-10.pdf', rows: 10, bytes: 2000 };

  it('names the file of a long export, or the first of several', () => {
    expect(exportFinishedNotice('statements:export', file, 95_000, false))
      .toEqual({ title: 'Export finished', body: 'statement-2026-10.pdf (1 min 35 s)' });
    expect(exportFinishedNotice('chargeback:export', [file, { ...file, fileName: 'b.pdf' }, { ...file, fileName: 'c.pdf' }], 30_000, false))
      .toEqual({ title: 'Export finished: 3 files', body: 'statement-2026-10.pdf and 2 more (30 s)' });
  });

  it('stays quiet for quick exports, other methods, a focused console or answers that are not files', () => {
    expect(exportFinishedNotice('usage:export', file, LONG_TASK_MS - 1, false)).toBeNull();
    expect(exportFinishedNotice('usage:explore', file, 60_000, false)).toBeNull();
    expect(exportFinishedNotice('usage:export', file, 60_000, true)).toBeNull();
    expect(exportFinishedNotice('usage:export', null, 60_000, false)).toBeNull();
  });
});

describe('importSummary', () => {
  it('sums the files and lists each', () => {
    expect(importSummary([
      { file: 'a.csv', format: 'usage-summary-csv', pages: 0, records: 1200, inserted: 1000, updated: 5 },
      { file: 'b.json', format: 'rest-pages', pages: 3, records: 30, inserted: 30, updated: 0 },
    ])).toEqual({
      message: 'Imported 2 files: 1,030 new records, 5 changed',
      detail: 'a.csv: 1,200 records (1,000 new, 5 changed)\nb.json: 30 records (30 new, 0 changed)',
    });
  });
});
