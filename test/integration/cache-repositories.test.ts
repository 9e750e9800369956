import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUsagePage } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { getOverview, listMeters } from '../../electron/core/cache/queries.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import * as syncRuns from '../../electron/core/cache/sync-runs.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { stampConnection } from '../support/connections.ts';
import { errorOf } from '../support/errors.ts';

const RECORDED = readFileSync(new URL('../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');
const CA_PEM = readFileSync(new URL('../fixtures/test-ca.pem', import.meta.url), 'utf8');

const tenant = (subscriptionId: string, displayName: string, state = 'Enabled') => ({
  subscriptionId,
  displayName,
  owner: null,
  tenantId: null,
  offerId: null,
  state,
});

/** A run over one UTC day of reported time. */
const run = (connectionId: number, from = '2019-12-10T00:00:00Z', to = '2019-12-11T00:00:00Z', granularity = 'Hourly' as const) =>
  ({ connectionId, granularity, from, to, startedAt: '2026-01-05T10:00:00Z' });

function codeOf(fn: () => unknown): string {
  const err = errorOf(fn);
  return `${err.code}: ${err.message}`;
}

describe('cache repositories and queries', () => {
  let dir: string;
  let db: Database.Database;
  const records = parseUsagePage(RECORDED, 'recording').records;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-repos-'));
    db = openCache(join(dir, 'cache.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('connections', () => {
    it('stores, lists and finds connections by name, case-insensitively', () => {
      const stored = connections.insert(db, stampConnection('north', { caPem: CA_PEM }));
      connections.insert(db, stampConnection('east'));
      expect(stored).toMatchObject({ name: 'north', createdAt: '2026-01-05T10:00:00Z', caPem: CA_PEM });
      expect(connections.list(db).map((c) => c.name)).toEqual(['east', 'north']);
      expect(connections.getStored(db, 'NORTH').id).toBe(stored.id);
      expect(connections.findByName(db, 'west')).toBeUndefined();
      expect(connections.getByName(db, 'north')).toEqual({
        name: 'north',
        armEndpoint: 'https://adminmanagement.north.example',
        kind: 'operator',
        authType: 'adfs',
        loginEndpoint: 'https://adfs.north.example/adfs',
        audience: 'https://adminmanagement.adfs.north.example/abc',
        tenantId: null,
        clientId: 'client',
        credentialType: 'secret',
        secretSource: 'env:STACK_SECRET',
        caSubject: 'O=Stackmeter Tests, CN=Stackmeter Test Root CA',
        proxy: null,
        providerSubscriptionId: '39c82aed-b2b7-4a66-abdb-611de00bf11e',
        createdAt: '2026-01-05T10:00:00Z',
        records: 0,
        lastSync: null,
      });
    });

    it('refuses a name already taken, and names it', () => {
      connections.insert(db, stampConnection('north'));
      expect(codeOf(() => connections.insert(db, stampConnection('North'))))
        .toMatch(/^CONFLICT: A connection named "North" already exists/);
    });

    it('refuses an unreadable CA certificate', () => {
      const unreadable = stampConnection('north', { caPem: 'not a certificate' });
      expect(codeOf(() => connections.insert(db, unreadable))).toMatch(/^INVALID_ARGUMENT: The CA/);
      expect(connections.list(db)).toEqual([]);
    });

    it('says which connection does not exist', () => {
      expect(codeOf(() => connections.getByName(db, 'ghost'))).toBe(
        'NOT_FOUND: There is no connection named "ghost". List connections to see the names.',
      );
    });

    it('removes a connection with its runs, subscriptions and usage, leaving imports and other stamps alone', () => {
      const north = connections.insert(db, stampConnection('north'));
      const east = connections.insert(db, stampConnection('east'));
      const writer = createUsageWriter(db);
      writer.writePage(records.slice(0, 100), { granularity: 'Hourly', connectionId: north.id });
      writer.writePage(records.slice(100, 200), { granularity: 'Hourly', connectionId: east.id });
      writer.writePage(records.slice(200), { granularity: 'Hourly', connectionId: null });
      subscriptions.upsert(db, north.id, [tenant(records[0].subscriptionId, 'a')], new Date());
      syncRuns.create(db, run(north.id));

      expect(connections.list(db).map((c) => [c.name, c.records])).toEqual([['east', 100], ['north', 100]]);
      expect(connections.remove(db, 'North')).toBe(100);
      expect(connections.list(db).map((c) => c.name)).toEqual(['east']);
      expect(db.prepare('SELECT count(*) FROM usage_records').pluck().get()).toBe(136);
      expect(db.prepare('SELECT count(*) FROM subscriptions').pluck().get()).toBe(0);
      expect(syncRuns.list(db)).toEqual([]);
      expect(codeOf(() => connections.remove(db, 'north'))).toMatch(/^NOT_FOUND/);
    });
  });

  describe('sync runs', () => {
    it('records a run from start to finish and lists runs newest first', () => {
      const { id: connectionId } = connections.insert(db, stampConnection('north'));
      const first = syncRuns.create(db, {
        ...run(connectionId, '2019-12-10T00:00:00.000Z', '2019-12-11T00:00:00.000Z'),
        startedAt: '2026-01-05T10:00:00.500Z',
      });
      syncRuns.updateCounters(db, first, { subscribers: 3, pages: 4, records: 236, inserted: 236, updated: 0 });
      const refused = { status: 'failed', error: 'The stamp refused the token', errorCode: 'AUTH' } as const;
      syncRuns.finish(db, first, { ...refused, endedAt: '2026-01-05T10:00:09Z' });
      const second = syncRuns.create(db, { ...run(connectionId), startedAt: '2026-01-05T11:00:00Z' });

      expect(syncRuns.get(db, first)).toEqual({
        id: first,
        connection: 'north',
        status: 'failed',
        granularity: 'Hourly',
        from: '2019-12-10T00:00:00Z',
        to: '2019-12-11T00:00:00Z',
        startedAt: '2026-01-05T10:00:00Z',
        endedAt: '2026-01-05T10:00:09Z',
        subscribers: 3,
        pages: 4,
        records: 236,
        inserted: 236,
        updated: 0,
        windows: 0,
        windowsDone: 0,
        retries: 0,
        error: 'The stamp refused the token',
        errorCode: 'AUTH',
        windowErrors: [],
      });
      expect(syncRuns.list(db).map((r) => r.id)).toEqual([second, first]);
      expect(syncRuns.list(db, 1).map((r) => r.id)).toEqual([second]);
      expect(connections.getByName(db, 'north').lastSync?.id).toBe(second);
      expect(codeOf(() => syncRuns.finish(db, first, { status: 'succeeded', error: null, endedAt: '2026-01-05T12:00:00Z' }))).toMatch(
        /^NOT_FOUND: Sync run \d+ does not exist or has already ended/,
      );
    });

    it('marks runs whose process is gone as interrupted, and leaves those of live processes running', () => {
      const { id: connectionId } = connections.insert(db, stampConnection('north'));
      const me = { pid: process.pid, host: hostname() };
      // A pid far above any real one: no such process exists.
      const gone = syncRuns.create(db, { ...run(connectionId), owner: { pid: 2 ** 30, host: me.host } });
      const ownerless = syncRuns.create(db, run(connectionId));
      const elsewhere = syncRuns.create(db, { ...run(connectionId), owner: { pid: 2 ** 30, host: 'another-host' } });
      const live = syncRuns.create(db, { ...run(connectionId), owner: { pid: process.ppid, host: me.host } });
      expect(syncRuns.markInterrupted(db, new Date('2026-01-05T12:00:00Z'), me)).toBe(2);
      for (const id of [gone, ownerless]) {
        expect(syncRuns.get(db, id)).toMatchObject({ status: 'interrupted', endedAt: '2026-01-05T12:00:00Z' });
        expect(syncRuns.get(db, id).error).toMatch(/^interrupted: .*the next sync resumes it$/);
      }
      expect(syncRuns.get(db, elsewhere).status).toBe('running');
      expect(syncRuns.get(db, live).status).toBe('running');
      expect(syncRuns.markInterrupted(db, new Date(), me)).toBe(0);
    });
  });

  describe('subscriptions', () => {
    it('upserts a tenant list, changing only what changed and keeping subscriptions that left it', () => {
      const { id } = connections.insert(db, stampConnection('north'));
      const a = { ...tenant('AAAAAAAA-0000-0000-0000-000000000001', 'Tenant A'), owner: 'a@x', tenantId: 't1', offerId: 'o' };
      const b = { ...a, subscriptionId: 'aaaaaaaa-0000-0000-0000-000000000002', displayName: 'Tenant B' };
      expect(subscriptions.upsert(db, id, [a, b], new Date())).toBe(2);
      expect(subscriptions.upsert(db, id, [a, b], new Date())).toBe(0);
      expect(subscriptions.upsert(db, id, [{ ...a, state: 'Disabled' }], new Date())).toBe(1);
      expect(subscriptions.list(db, id)).toEqual([
        { ...a, subscriptionId: 'aaaaaaaa-0000-0000-0000-000000000001', state: 'Disabled' },
        b,
      ]);
    });
  });

  describe('listMeters and getOverview', () => {
    it('lists the meters seen in usage with exact totals and the usage span', () => {
      const { id } = connections.insert(db, stampConnection('north'));
      createUsageWriter(db).writePage(records, { granularity: 'Hourly', connectionId: id });
      const meters = listMeters(db);
      expect(meters).toHaveLength(8);
      const pageBlob = meters.find((m) => m.name === 'PageBlobCapacity');
      const Exact = Decimal.clone({ precision: 100 });
      const ofMeter = records.filter((r) => r.meterId === 'B5C15376-6C94-4FDD-B655-1A69D138ACA3');
      expect(pageBlob).toEqual({
        meterId: 'b5c15376-6c94-4fdd-b655-1a69d138aca3',
        name: 'PageBlobCapacity',
        unit: 'GB*hours',
        service: 'Storage',
        records: 151,
        quantity: ofMeter.reduce((sum, r) => sum.plus(r.quantityText), new Exact(0)).toString(),
        firstUsage: '2019-12-10T18:00:00Z',
        lastUsage: '2019-12-10T19:00:00Z',
        known: true,
        description: expect.stringContaining('page blob'),
        deprecated: false,
        subscriptions: new Set(ofMeter.map((r) => r.subscriptionId.toLowerCase())).size,
        // one day of usage: one sparkline point, its float sum
        sparkline: [expect.closeTo(ofMeter.reduce((sum, r) => sum + Number(r.quantityText), 0), 6)],
      });
      // the span runs from the earliest usage start to the latest usage end over the meter's records
      expect(meters.find((m) => m.name === 'VM size hours')).toMatchObject({
        firstUsage: '2019-12-10T17:00:00Z',
        lastUsage: '2019-12-10T19:00:00Z',
      });
      expect(meters.map((m) => m.service)).toEqual([...meters.map((m) => m.service)].sort());
      expect(meters.reduce((n, m) => n + m.records, 0)).toBe(236);
      const vmHours = meters.find((m) => m.meterId === '6dab500f-a4fd-49c4-956d-229bb9c8c793');
      expect(vmHours?.quantity).toBe(String(records.filter((r) => r.meterId === '6dab500f-a4fd-49c4-956d-229bb9c8c793').length));
    });

    it('adds every catalog meter with seenOnly false, and filters by connection', () => {
      const north = connections.insert(db, stampConnection('north'));
      connections.insert(db, stampConnection('east'));
      createUsageWriter(db).writePage(records, { granularity: 'Hourly', connectionId: north.id });
      const all = listMeters(db, { seenOnly: false });
      expect(all).toHaveLength(84);
      expect(all.find((m) => m.name === 'Static IP Address Usage')).toMatchObject({ records: 0, quantity: '0', firstUsage: null });
      expect(listMeters(db, { connection: 'east' })).toEqual([]);
      expect(listMeters(db, { connection: 'north' })).toHaveLength(8);
      expect(codeOf(() => listMeters(db, { connection: 'west' }))).toMatch(/^NOT_FOUND/);
    });

    it('summarises stamps, totals and records per day and service', () => {
      const north = connections.insert(db, stampConnection('north'));
      connections.insert(db, stampConnection('east'));
      const writer = createUsageWriter(db);
      writer.writePage(records, { granularity: 'Hourly', connectionId: north.id });
      // the same usage as a daily aggregate, imported without a connection, one day later
      writer.writePage(
        records.slice(0, 10).map((r) => ({ ...r, usageStart: r.usageStart + 86400, usageEnd: r.usageStart + 2 * 86400 })),
        { granularity: 'Daily', connectionId: null },
      );
      subscriptions.upsert(db, north.id, [tenant('ffffffff-0000-0000-0000-000000000000', 'idle tenant')], new Date());
      const runId = syncRuns.create(db, run(north.id, '2019-12-10T19:00:00Z', '2019-12-10T20:00:00Z'));

      const usageSubscriptions = new Set(records.map((r) => r.subscriptionId)).size;
      const overview = getOverview(db);
      expect(overview.records).toBe(246);
      expect(overview.meters).toBe(8);
      expect(overview.subscriptions).toBe(usageSubscriptions + 1);
      expect(overview.stamps).toEqual([
        {
          name: 'east',
          armEndpoint: 'https://adminmanagement.east.example',
          records: 0,
          subscriptions: 0,
          latestUsage: null,
          lastSync: null,
        },
        {
          name: 'north',
          armEndpoint: 'https://adminmanagement.north.example',
          records: 236,
          subscriptions: usageSubscriptions + 1,
          latestUsage: '2019-12-10T20:00:00Z',
          lastSync: expect.objectContaining({ id: runId, status: 'running' }),
        },
      ]);
      const byService = (day: string) =>
        Object.fromEntries(overview.dailyByService.filter((p) => p.day === day).map((p) => [p.service, p.records]));
      expect(byService('2019-12-10')).toEqual({ Compute: 56, 'Managed Disks': 2, Storage: 178 });
      expect(byService('2019-12-11')).toEqual({ Storage: 10 });
      expect(overview.dailyByService.map((p) => p.day)).toEqual([...overview.dailyByService.map((p) => p.day)].sort());
    });

    it('restricts the overview to one stamp when asked', () => {
      const north = connections.insert(db, stampConnection('north'));
      const east = connections.insert(db, stampConnection('east'));
      const writer = createUsageWriter(db);
      writer.writePage(records, { granularity: 'Hourly', connectionId: north.id });
      writer.writePage(records.slice(0, 10), { granularity: 'Daily', connectionId: east.id });
      subscriptions.upsert(db, north.id, [tenant('ffffffff-0000-0000-0000-000000000000', 'idle tenant')], new Date());

      const eastOnly = getOverview(db, { connection: 'east' });
      expect(eastOnly.stamps.map((s) => s.name)).toEqual(['east']);
      expect(eastOnly.records).toBe(10);
      expect(eastOnly.subscriptions).toBe(new Set(records.slice(0, 10).map((r) => r.subscriptionId)).size);
      expect(eastOnly.dailyByService.reduce((n, p) => n + p.records, 0)).toBe(10);
      const northOnly = getOverview(db, { connection: 'north' });
      expect(northOnly.records).toBe(records.length);
      expect(northOnly.stamps.map((s) => s.name)).toEqual(['north']);
      expect(getOverview(db).records).toBe(records.length + 10);
      expect(codeOf(() => getOverview(db, { connection: 'west' }))).toMatch(/^NOT_FOUND/);
    });

    it('gives an empty overview for an empty cache', () => {
      expect(getOverview(db)).toEqual({ stamps: [], records: 0, subscriptions: 0, meters: 0, dailyByService: [] });
    });
  });
});
