import type { ConnectionRow, SyncProgress, SyncRunRow } from '../../../electron/shared/domain.ts';

/** Contract rows as the core returns them, with the fields a test does not care about filled in. */

export function connectionRow(over: Partial<ConnectionRow> = {}): ConnectionRow {
  return {
    name: 'lab',
    armEndpoint: 'https://adminmanagement.lab.example',
    kind: 'operator',
    authType: 'adfs',
    loginEndpoint: 'https://adfs.lab.example/adfs',
    audience: 'https://adminmanagement.adfs.lab.example/guid',
    tenantId: null,
    clientId: 'client',
    credentialType: 'secret',
    secretSource: 'env:STACK_SECRET',
    caSubject: null,
    proxy: null,
    providerSubscriptionId: '11111111-1111-1111-1111-111111111111',
    createdAt: '2024-05-01T00:00:00Z',
    records: 0,
    lastSync: null,
    ...over,
  };
}

export function syncRun(over: Partial<SyncRunRow> = {}): SyncRunRow {
  return {
    id: 1, connection: 'lab', status: 'succeeded', granularity: 'Hourly', from: '2024-05-01', to: '2024-06-01',
    startedAt: '2024-06-01T10:00:00Z', endedAt: '2024-06-01T10:01:00Z', subscribers: 3, pages: 12, records: 5000,
    inserted: 4000, updated: 1000, windows: 24, windowsDone: 24, retries: 0, error: null, errorCode: null,
    windowErrors: [], ...over,
  };
}

export function syncProgress(over: Partial<SyncProgress> = {}): SyncProgress {
  return {
    runId: 1, connection: 'lab', status: 'running', phase: 'usage', subscribersDone: 1, subscribersTotal: 3,
    currentSubscriber: 'sub-a', pages: 4, records: 1200, inserted: 1200, windowsDone: 8, windowsTotal: 24, retries: 0,
    rate: 300, percent: 33, error: null, ...over,
  };
}
