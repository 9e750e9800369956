import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/cache/migrate.ts';
import { MIGRATIONS } from '../../electron/core/cache/migrations/index.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createDispatcher } from '../../electron/core/dispatch.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { MUTATING_METHODS, type Method } from '../../electron/shared/contract.ts';
import type { ReplayResult, StatementDocument } from '../../electron/shared/chargeback.ts';
import type { ExportResult } from '../../electron/shared/domain.ts';
import { METHODS } from '../../electron/shared/schemas.ts';
import { rejectionOf } from '../support/errors.ts';
import { parseCsv } from '../unit/exports/csv.ts';
import { buildEvidence, CLOCK, PERIOD } from './auditor-fixture.ts';
import { fixtureMeters, storeCard } from './chargeback-helpers.ts';
import { quiet } from './sync-helpers.ts';
import { RESOURCES, S1, T1, VM_HOURS } from './usage-fixture.ts';

// Auditor mode on real SQLite files: a cache made the normal way (usage, a rate card, adjustments, a meter name, a
// finalized statement and a draft) is opened read-only. Every change is refused up front, every read answers, exports
// and replays produce their results, and the file's bytes stay exactly as they were.

let dir: string;
let evidence: string;
let cardId: string;
let finalized: StatementDocument;
let draft: StatementDocument;

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-auditor-'));
  ({ path: evidence, cardId, finalized, draft } = await buildEvidence(dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function auditorCore(path = evidence, exportDir = join(dir, 'auditor-exports')): Core {
  return createCore({ dbPath: path, clock: CLOCK, log: quiet, exportDir, readOnly: { source: 'cache', path } });
}

const QUERY = { period: PERIOD, rateCardId: 'standard', by: 'tenant' } as const;
const CAPACITY_QUERY = { stamp: 'east', period: PERIOD, basis: { kind: 'vcpu' } } as const;

/**
 * Arguments for every method that does not change the cache. A method missing from here and from MUTATING_METHODS
 * fails the classification test below: a new method must say which it is.
 */
function readArgs(): Partial<Record<Method, unknown[]>> {
  return {
    'app:info': [],
    'connections:list': [],
    'sync:runs': [],
    'overview:get': [],
    'meters:list': [{ seenOnly: true }],
    'meters:overrides': [],
    'meters:unknown': [],
    'meters:detail': [{ meterId: VM_HOURS }],
    'meters:series': [{ meterId: VM_HOURS, bucket: 'day', stackBy: 'tenant' }],
    'usage:explore': [{ filter: {}, groupBy: ['tenant'] }, 0, 100],
    'usage:records': [{ subscriptions: [S1] }, 0, 100],
    'usage:export': [{ filter: {}, groupBy: ['meter'] }, 'csv'],
    'usage:completeness': [{ period: { from: '2026-10-30', to: '2026-11-03' } }],
    'resources:get': [RESOURCES[0]!.uri],
    'rates:list': [],
    'rates:get': [cardId],
    'rates:export': [cardId, 'json'],
    'adjustments:list': [],
    'adjustments:export': [],
    'audit:list': [0, 100],
    'audit:verify': [],
    'audit:export': ['pdf'],
    'chargeback:run': [{ ...QUERY, rateCardId: cardId }],
    'chargeback:lines': [{ ...QUERY, rateCardId: cardId }, T1, 0, 100],
    'chargeback:whatIf': [{ ...QUERY, rateCardId: cardId }, { rateCardId: cardId, version: 1 }],
    'chargeback:export': [{ ...QUERY, rateCardId: cardId }, 'pdf', 'combined'],
    'statements:list': [],
    'statements:get': [finalized.id],
    'statements:replay': [finalized.id],
    'statements:export': [finalized.id, 'csv'],
    'capacity:models': [],
    'capacity:get': ['east'],
    'capacity:readCores': ['east'],
    'capacity:report': [CAPACITY_QUERY],
    'capacity:export': [CAPACITY_QUERY, 'pdf'],
    'bundles:key': [],
    'bundles:trusted': [],
    'bundles:verify': [`file-${'0'.repeat(32)}`],
  };
}

describe('auditor mode on a cache file', () => {
  it('classifies every contract method as changing the cache or as a read with sample arguments here', () => {
    const args = readArgs();
    const mutating = new Set<Method>(MUTATING_METHODS);
    expect(METHODS.filter((m) => !mutating.has(m) && !(m in args))).toEqual([]);
    expect(METHODS.filter((m) => mutating.has(m) && m in args)).toEqual([]);
  });

  it('refuses every mutating method up front with READ_ONLY, and the file import too', async () => {
    const before = sha256Of(evidence);
    const core = auditorCore();
    try {
      for (const method of MUTATING_METHODS) {
        const handler = core[method] as (...a: unknown[]) => unknown;
        const error = await rejectionOf(() => handler.call(core));
        expect(error.code, method).toBe('READ_ONLY');
        expect(error.message, method)
          .toMatch(/^This console is in auditor mode \(read-only\): .+ would change the cache/);
      }
      const imported = await rejectionOf(() => core.importFiles([join(dir, 'none.csv')]));
      expect(imported.code).toBe('READ_ONLY');
      expect((await rejectionOf(() => core['statements:finalize'](draft.id, 'sneaky'))).message)
        .toContain('finalizing a statement');
    } finally {
      await core.close();
    }
    expect(sha256Of(evidence)).toBe(before);
  });

  it('answers every other method without writing: no call fails the way a write to a read-only file does', async () => {
    const before = sha256Of(evidence);
    const core = auditorCore();
    const dispatch = createDispatcher(core);
    const failures: Record<string, string> = {};
    try {
      for (const [method, args] of Object.entries(readArgs())) {
        const result = await dispatch(method, args);
        if (!result.ok) failures[method] = `${result.error.code}: ${result.error.message}`;
      }
    } finally {
      await core.close();
    }
    // Nothing fails but what needs what an auditor lacks: the network and a credential (reading cores from a stamp),
    // a capacity model (the fixture has none), an uploaded file.
    for (const [method, failure] of Object.entries(failures)) {
      expect(failure, method).not.toMatch(/^INTERNAL|readonly|read-only database/i);
      expect(method).toMatch(/^(capacity:(readCores|report|export)|bundles:verify)$/);
    }
    expect(sha256Of(evidence)).toBe(before);
  });

  it('says so in app:info, exports without audit entries and replays without recording the replay', async () => {
    const before = sha256Of(evidence);
    const exportDir = mkdtempSync(join(dir, 'exports-'));
    const core = auditorCore(evidence, exportDir);
    try {
      const info = await core['app:info']();
      expect(info.readOnly).toEqual({
        source: 'cache', path: evidence, fingerprint: null, bundle: null, openedAt: '2026-12-03T09:00:00.000Z',
      });
      const entries = (await core['audit:list'](0, 1)).total;
      const replay: ReplayResult = await core['statements:replay'](finalized.id);
      expect(replay).toMatchObject({ statementId: finalized.id, identical: true, hash: finalized.hash });
      const files: ExportResult[] = [
        ...await core['statements:export'](finalized.id, 'pdf', 'combined'),
        ...await core['chargeback:export']({ ...QUERY, rateCardId: cardId }, 'csv'),
        await core['usage:export']({ filter: {}, groupBy: ['tenant'] }, 'xlsx'),
        await core['rates:export'](cardId, 'csv'),
        await core['adjustments:export'](),
        await core['audit:export']('csv'),
      ];
      for (const file of files) {
        expect(file.path.startsWith(exportDir), file.fileName).toBe(true);
        expect(statSync(file.path).size, file.fileName).toBeGreaterThan(0);
      }
      expect((await core['audit:list'](0, 1)).total).toBe(entries);
      expect((await core['audit:verify']()).intact).toBe(true);
    } finally {
      await core.close();
    }
    expect(sha256Of(evidence)).toBe(before);
  });

  it('puts exports in the per-user auditor-exports folder by default, never beside the evidence', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const core = createCore({
      dbPath: evidence, clock: CLOCK, log: quiet, env: { XDG_CONFIG_HOME: home, APPDATA: home },
      readOnly: { source: 'cache', path: evidence },
    });
    try {
      expect(core.exportDir.startsWith(home)).toBe(true);
      expect(core.exportDir).toMatch(/auditor-exports$/);
    } finally {
      await core.close();
    }
  });

  it('reads a WAL-mode cache whose latest commits are still in the -wal file, and writes neither file', async () => {
    const live = join(dir, 'live.sqlite');
    copyFileSync(evidence, live);
    // A writer that keeps its commits in the WAL (no checkpoint) while the auditor reads, as another Stackmeter would.
    const writer = openCache(live);
    writer.pragma('wal_autocheckpoint = 0');
    storeCard(writer, { name: 'Late card', versions: [{ effectiveFrom: '2026-01-01', meters: fixtureMeters('1') }] },
      '2026-12-02T00:00:00Z');
    expect(statSync(`${live}-wal`).size).toBeGreaterThan(0);
    const main = sha256Of(live);
    const wal = sha256Of(`${live}-wal`);
    const core = auditorCore(live);
    try {
      expect((await core['rates:list']()).map((c) => c.name)).toContain('Late card');
    } finally {
      await core.close();
    }
    expect(sha256Of(live)).toBe(main);
    expect(sha256Of(`${live}-wal`)).toBe(wal);
    writer.close();
  });

  it('opens a cleanly closed WAL-mode cache that has no -wal or -shm beside it', async () => {
    const copy = join(dir, 'copied.sqlite');
    copyFileSync(evidence, copy);
    expect(existsSync(`${copy}-wal`) || existsSync(`${copy}-shm`)).toBe(false);
    // The header says WAL (file format bytes 18 and 19 are 2): SQLite must make the -shm to read it.
    expect(readFileSync(copy).subarray(18, 20)).toEqual(Buffer.from([2, 2]));
    const before = sha256Of(copy);
    const core = auditorCore(copy);
    try {
      expect((await core['statements:list']()).map((s) => s.id)).toEqual([draft.id, finalized.id]);
    } finally {
      await core.close();
    }
    expect(sha256Of(copy)).toBe(before);
    // What SQLite leaves beside the file: an empty -wal and the -shm index, never a change to the cache itself.
    expect(statSync(`${copy}-wal`).size).toBe(0);
  });

  it('refuses a cache of an older schema (it cannot be upgraded read-only), a newer one, and a file that is none', () => {
    const older = join(dir, 'older.sqlite');
    const db = new Database(older);
    migrate(db, MIGRATIONS.slice(0, MIGRATIONS.length - 1));
    db.close();
    const before = sha256Of(older);
    const open = (path: string) => () => createCore({ dbPath: path, log: quiet, readOnly: { source: 'cache', path } });
    expect(open(older)).toThrow(/older than this Stackmeter's .* a read-only cache cannot be upgraded\. Copy the file/);
    expect(sha256Of(older)).toBe(before);

    const newer = join(dir, 'newer.sqlite');
    const next = new Database(newer);
    next.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    next.close();
    expect(open(newer)).toThrow(/written by a newer Stackmeter/);

    const text = join(dir, 'notes.txt');
    copyFileSync(new URL(import.meta.url), text);
    expect(open(text)).toThrow(/is not a Stackmeter cache/);
    expect(open(join(dir, 'missing.sqlite'))).toThrow(/There is no cache file/);
    expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false);
  });
});

describe('the audit trail export', () => {
  it('writes every entry oldest first to CSV with the hashes, and records the export outside auditor mode', async () => {
    const copy = join(dir, 'trail.sqlite');
    copyFileSync(evidence, copy);
    const core = createCore({ dbPath: copy, clock: CLOCK, log: quiet, exportDir: join(dir, 'trail-exports') });
    try {
      const { rows, total } = await core['audit:list'](0, 1000);
      const file = await core['audit:export']('csv');
      expect(file.fileName).toMatch(/^stackmeter-audit-trail-20261203-090000\.csv$/);
      expect(file.rows).toBe(total);
      const text = readFileSync(file.path, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const records = parseCsv(text.slice(1));
      expect(records[0]).toEqual(['Seq', 'Time (UTC)', 'User', 'Action', 'Subject', 'Reason', 'Details',
        'Previous hash', 'Hash']);
      const oldestFirst = [...rows].reverse();
      expect(records.slice(1).map((r) => Number(r[0]))).toEqual(oldestFirst.map((e) => e.seq));
      const finalize = records.find((r) => r[3] === 'statement.finalize')!;
      expect(finalize[4]).toBe(`statement:${finalized.id}`);
      expect(finalize[5]).toBe('month closed');
      expect(JSON.parse(finalize[6]!)).toMatchObject({ hash: finalized.hash });
      expect(records.slice(1).map((r) => r[8])).toEqual(oldestFirst.map((e) => e.hash));
      // Not in auditor mode: the export is itself an entry, naming the file's hash.
      const [last] = (await core['audit:list'](0, 1)).rows;
      expect(last).toMatchObject({ action: 'export', subject: 'audit-trail', seq: total + 1 });
      expect(last!.details).toMatchObject({ format: 'csv', entries: total, intact: true,
        files: [{ fileName: file.fileName, sha256: sha256Of(file.path) }] });
    } finally {
      await core.close();
    }
  });

  it('writes a PDF with what was opened and the chain verdict on its first page', async () => {
    const exportDir = mkdtempSync(join(dir, 'pdf-'));
    const core = auditorCore(evidence, exportDir);
    try {
      const file = await core['audit:export']('pdf');
      const pdf = readFileSync(file.path);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(file.fileName).toMatch(/^stackmeter-audit-trail-\d{8}-\d{6}\.pdf$/);
      expect(file.rows).toBe((await core['audit:list'](0, 1)).total);
    } finally {
      await core.close();
    }
  });
});
