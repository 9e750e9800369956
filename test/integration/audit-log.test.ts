import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendAudit, auditEntryHash, GENESIS_HASH, listAudit, verifyAuditChain,
} from '../../electron/core/chargeback/audit-log.ts';
import { openCache } from '../../electron/core/cache/open.ts';

const AT = new Date('2026-11-20T10:00:00.000Z');

let dir: string;
let path: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-audit-'));
  path = join(dir, 'cache.sqlite');
  db = openCache(path);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function fill(count: number): void {
  for (let i = 1; i <= count; i++) {
    appendAudit(db, {
      action: i % 2 ? 'rate-card.publish' : 'adjustment.save', subject: `rate-card:card-${i}`,
      reason: i === 3 ? null : `reason ${i}`, details: { version: i, price: `0.${i}0`, nested: { b: [1, 2], a: true } },
    }, 'alice', new Date(AT.getTime() + i * 1000));
  }
}

/**
 * A second connection to the same file with the append-only triggers dropped: what someone editing the cache file
 * with a SQLite tool can do. The triggers are put back afterwards, as a careful forger would.
 */
function tamper(sql: string, ...params: unknown[]): void {
  const raw = new Database(path);
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  raw.prepare(sql).run(...params);
  raw.exec(`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END;`);
  raw.close();
}

describe('the audit log', () => {
  it('chains every entry to the one before with SHA-256 and lists them newest first', () => {
    fill(5);
    const { rows, total } = listAudit(db, 0, 3);
    expect(total).toBe(5);
    expect(rows.map((r) => r.seq)).toEqual([5, 4, 3]);
    const all = listAudit(db, 0, 10).rows.reverse();
    expect(all[0]!.prevHash).toBe(GENESIS_HASH);
    expect(all[0]!.prevHash).toMatch(/^0{64}$/);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    const third = all[2]!;
    expect(third).toMatchObject({ seq: 3, at: '2026-11-20T10:00:03.000Z', user: 'alice', action: 'rate-card.publish',
      subject: 'rate-card:card-3', reason: null, details: { version: 3, price: '0.30', nested: { a: true, b: [1, 2] } } });
    expect(third.hash).toBe(auditEntryHash({ ...third }));
    expect(listAudit(db, 4, 10).rows.map((r) => r.seq)).toEqual([1]);
    expect(verifyAuditChain(db)).toEqual({ intact: true, entries: 5, brokenAt: null, problem: null });
  });

  it('is intact when empty', () => {
    expect(verifyAuditChain(db)).toEqual({ intact: true, entries: 0, brokenAt: null, problem: null });
  });

  it('is append-only in the database itself', () => {
    fill(2);
    expect(() => db.prepare("UPDATE audit_log SET reason = 'edited' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('writes an entry with the caller\'s transaction, or not at all', () => {
    fill(1);
    expect(() => db.transaction(() => {
      appendAudit(db, { action: 'export', subject: 'x', reason: null }, 'bob', AT);
      throw new Error('the change failed');
    })()).toThrow('the change failed');
    expect(listAudit(db, 0, 10).total).toBe(1);
    appendAudit(db, { action: 'export', subject: 'x', reason: null }, 'bob', AT);
    expect(listAudit(db, 0, 10).rows[0]).toMatchObject({ seq: 2, details: null });
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('names the entry whose contents were edited in the file', () => {
    fill(5);
    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3");
    expect(verifyAuditChain(db)).toEqual({
      intact: false, entries: 3, brokenAt: 3,
      problem: 'Entry 3 was changed after it was written: its hash does not match its contents.',
    });
  });

  it('names the entry after one whose hash was recomputed by a forger', () => {
    fill(5);
    const entry = listAudit(db, 0, 10).rows.find((r) => r.seq === 2)!;
    const forged = { ...entry, details: { ...(entry.details as object), price: '0.01' } };
    tamper('UPDATE audit_log SET details = ?, hash = ? WHERE seq = 2', JSON.stringify(forged.details),
      auditEntryHash(forged));
    expect(verifyAuditChain(db)).toMatchObject({
      intact: false, brokenAt: 3,
      problem: 'Entry 3 does not follow entry 2: its previous hash is not that entry\'s hash.',
    });
  });

  it('names a gap where entries were removed, from the middle, the start or the end', () => {
    fill(6);
    tamper('DELETE FROM audit_log WHERE seq IN (3, 4)');
    expect(verifyAuditChain(db)).toMatchObject({
      intact: false, entries: 3, brokenAt: 5, problem: 'Entry 5 follows entry 2: entries 3 to 4 are missing.',
    });
  });

  it('notices a first entry removed and entries cut from the end', () => {
    fill(4);
    tamper('DELETE FROM audit_log WHERE seq = 4');
    expect(verifyAuditChain(db)).toMatchObject({
      intact: false, brokenAt: 4, problem: 'Entry 4 is missing: the log had 4 entries, the file holds 3.',
    });
    tamper('DELETE FROM audit_log WHERE seq = 1');
    expect(verifyAuditChain(db)).toMatchObject({
      intact: false, brokenAt: 2, problem: 'The log starts at entry 2: entry 1 is missing.',
    });
  });

  it('never reuses a sequence number, so an entry appended after a removal still shows the gap', () => {
    fill(3);
    tamper('DELETE FROM audit_log WHERE seq = 3');
    const next = appendAudit(db, { action: 'export', subject: 'x', reason: null }, 'bob', AT);
    expect(next.seq).toBe(4);
    expect(verifyAuditChain(db)).toMatchObject({ intact: false, brokenAt: 4 });
  });
});
