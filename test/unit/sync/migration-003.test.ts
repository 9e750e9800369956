import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/cache/migrate.ts';
import { MIGRATIONS } from '../../../electron/core/cache/migrations/index.ts';
import * as syncRuns from '../../../electron/core/cache/sync-runs.ts';

describe('migration 3 (resumable sync)', () => {
  it('keeps the history of a version-2 cache, and turns a run left running into a failed, interrupted one', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 2));
    db.prepare(`INSERT INTO connections (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, client_id,
      credential_type, secret_source, provider_subscription_id, created_at)
      VALUES (1, 'north', 'https://a', 'operator', 'adfs', 'https://a/adfs', 'aud', 'c', 'secret', 'env:X', 'p', 'now')`).run();
    const insert = db.prepare(`INSERT INTO sync_runs (id, connection_id, status, granularity, range_from, range_to,
      started_at, ended_at, pages, records, inserted, error, error_code) VALUES (?, 1, ?, 'Hourly', '2026-01-01T00:00:00Z',
      '2026-01-02T00:00:00Z', '2026-01-05T10:00:00Z', ?, 4, 1000, 990, ?, ?)`);
    insert.run(1, 'succeeded', '2026-01-05T10:01:00Z', null, null);
    insert.run(2, 'cancelled', '2026-01-05T11:01:00Z', 'The sync was cancelled', 'CANCELLED');
    insert.run(3, 'running', null, null, null);

    migrate(db);
    expect(syncRuns.list(db).map((r) => [r.id, r.status, r.records, r.inserted, r.error, r.endedAt])).toEqual([
      [3, 'failed', 1000, 990, 'interrupted', '2026-01-05T10:00:00Z'],
      [2, 'cancelled', 1000, 990, 'The sync was cancelled', '2026-01-05T11:01:00Z'],
      [1, 'succeeded', 1000, 990, null, '2026-01-05T10:01:00Z'],
    ]);
    expect(syncRuns.get(db, 1)).toMatchObject({ windows: 0, windowsDone: 0, retries: 0, windowErrors: [] });
    // Nothing of them is resumable: they have no plan.
    expect(syncRuns.interrupted(db, 1, 'Hourly')).toEqual([]);
    db.close();
  });
});
