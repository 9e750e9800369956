import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as connections from '../../electron/core/cache/connections.ts';
import { migrate } from '../../electron/core/cache/migrate.ts';
import { migration001 } from '../../electron/core/cache/migrations/001-initial.ts';
import { MIGRATIONS } from '../../electron/core/cache/migrations/index.ts';
import { openCache } from '../../electron/core/cache/open.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-migration-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A cache as Stackmeter 0.1 (schema version 1) left it: two stamps, their runs, subscriptions and usage. */
function versionOneCache(path: string): void {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001]);
  db.exec(`
    INSERT INTO connections (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, client_id, secret_source,
                             ca_pem, provider_subscription_id, created_at)
    VALUES (3, 'east', 'https://adminmanagement.east', 'operator', 'adfs', 'https://adfs.east/adfs', 'https://aud/e',
            'client-e', 'env:EAST_SECRET', NULL, 'prov-e', '2026-01-01T00:00:00Z'),
           (8, 'west', 'https://adminmanagement.west', 'operator', 'adfs', 'https://adfs.west/adfs', 'https://aud/w',
            'client-w', 'session', NULL, 'prov-w', '2026-01-02T00:00:00Z');
    INSERT INTO sync_runs (id, connection_id, status, granularity, range_from, range_to, started_at, ended_at, records)
    VALUES (11, 3, 'succeeded', 'Hourly', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z',
            '2026-01-02T01:05:00Z', 2),
           (12, 8, 'succeeded', 'Hourly', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z',
            '2026-01-02T01:05:00Z', 1);
    INSERT INTO subscriptions (connection_id, subscription_id, display_name, updated_at)
    VALUES (3, 'sub-a', 'Contoso', '2026-01-02T01:00:00Z'), (8, 'sub-b', 'Fabrikam', '2026-01-02T01:00:00Z');
    INSERT INTO subscription_keys (id, subscription_id) VALUES (1, 'sub-a'), (2, 'sub-b');
    INSERT INTO meters (id, meter_id, match_key, name, unit, service, source)
    VALUES (1, 'm-1', 'm1', 'Meter', 'Hours', 'Compute', 'seen');
    INSERT INTO resources (id, resource_key, resource_uri) VALUES (1, '/r', '/r');
    INSERT INTO usage_records (subscription_key, meter_key, usage_start, usage_end, resource_key, granularity,
                               quantity_text, quantity, connection_id)
    VALUES (1, 1, 0, 3600, 1, 'Hourly', '1.5', 1.5, 3), (1, 1, 3600, 7200, 1, 'Hourly', '2', 2, 3),
           (2, 1, 0, 3600, 1, 'Hourly', '4', 4, 8), (2, 1, 3600, 7200, 1, 'Hourly', '9', 9, NULL);
  `);
  db.close();
}

describe('migration 2: connections with credentials, tenants and proxies', () => {
  it('keeps every stamp with its id, so runs, subscriptions and usage still join and still cascade', () => {
    const path = join(dir, 'v1.sqlite');
    versionOneCache(path);
    const db = openCache(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('foreign_key_check')).toEqual([]);

      const east = connections.getStored(db, 'EAST');
      expect(east).toMatchObject({
        id: 3, kind: 'operator', tenantId: null, clientId: 'client-e', credentialType: 'secret',
        secretSource: 'env:EAST_SECRET', secretBlob: null, proxy: null, providerSubscriptionId: 'prov-e',
      });
      expect(connections.list(db).map((c) => [c.name, c.records, c.credentialType])).toEqual([
        ['east', 2, 'secret'], ['west', 1, 'secret'],
      ]);
      const joined = db.prepare(`
        SELECT c.name, s.subscription_id AS sub, decimal_sum(u.quantity_text) AS total
        FROM usage_records u JOIN connections c ON c.id = u.connection_id
        JOIN subscription_keys s ON s.id = u.subscription_key GROUP BY c.name ORDER BY c.name`).all();
      expect(joined).toEqual([{ name: 'east', sub: 'sub-a', total: '3.5' }, { name: 'west', sub: 'sub-b', total: '4' }]);
      expect(db.prepare('SELECT connection_id FROM subscriptions ORDER BY connection_id').pluck().all()).toEqual([3, 8]);

      // The children still reference the rebuilt table: removing a stamp takes its rows, and only its rows.
      expect(connections.remove(db, 'east')).toBe(2);
      expect(db.prepare('SELECT count(*) FROM usage_records').pluck().get()).toBe(2);
      expect(db.prepare('SELECT count(*) FROM subscriptions').pluck().get()).toBe(1);
      expect(db.prepare('SELECT connection_id FROM sync_runs').pluck().all()).toEqual([8]);
    } finally {
      db.close();
    }
  });

  it('stores tenant connections without a subscription, and an encrypted credential only for protected ones', () => {
    const db = openCache(join(dir, 'new.sqlite'));
    try {
      const base = {
        armEndpoint: 'https://management.east', kind: 'tenant' as const, authType: 'entra' as const,
        loginEndpoint: 'https://login.east', audience: 'https://aud', tenantId: 'contoso.onmicrosoft.com',
        clientId: 'c', credentialType: 'certificate' as const, caPem: null, proxy: 'http://proxy:3128',
        providerSubscriptionId: null, createdAt: '2026-01-01T00:00:00Z',
      };
      connections.insert(db, { ...base, name: 'tenant', secretSource: 'file:/etc/sp.pem', secretBlob: null });
      connections.insert(db, { ...base, name: 'desk', secretSource: 'protected', secretBlob: Buffer.from([1, 2, 3]) });
      expect(connections.getByName(db, 'tenant')).toMatchObject({
        kind: 'tenant', tenantId: 'contoso.onmicrosoft.com', credentialType: 'certificate', proxy: 'http://proxy:3128',
        providerSubscriptionId: null,
      });
      expect(connections.getStored(db, 'desk').secretBlob).toEqual(Buffer.from([1, 2, 3]));
      expect(() => connections.insert(db, { ...base, name: 'x', secretSource: 'protected', secretBlob: null }))
        .toThrow(/CHECK constraint failed/);
      expect(() => connections.insert(db, { ...base, name: 'y', secretSource: 'env:X', secretBlob: Buffer.from('s') }))
        .toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });

  it('rolls every step back when one leaves a reference broken, and keeps foreign keys enforced', () => {
    const path = join(dir, 'broken.sqlite');
    versionOneCache(path);
    const db = new Database(path);
    db.pragma('foreign_keys = ON');
    const breaking = {
      version: 2,
      name: 'drops a stamp its usage needs',
      up: (d: Database.Database) => d.exec('DELETE FROM connections WHERE id = 3'),
    };
    try {
      expect(() => migrate(db, [migration001, breaking])).toThrow(/usage_records|sync_runs|subscriptions/);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare('SELECT count(*) FROM connections').pluck().get()).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});
