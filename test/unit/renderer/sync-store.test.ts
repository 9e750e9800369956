import { createPinia, setActivePinia } from 'pinia';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { SyncProgress, SyncRunRow } from '../../../electron/shared/domain.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { launch } from '../../../renderer/src/api/client.ts';
import { useSyncStore } from '../../../renderer/src/stores/sync.ts';
import { FakeBridge } from './fake-bridge.ts';

const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

function run(over: Partial<SyncRunRow>): SyncRunRow {
  return {
    id: 1, connection: 'lab', status: 'succeeded', granularity: 'Hourly', from: '2024-05-01', to: '2024-06-01',
    startedAt: '2024-06-01T10:00:00Z', endedAt: '2024-06-01T10:01:00Z', subscribers: 3, pages: 12, records: 5000,
    inserted: 4000, updated: 1000, error: null, errorCode: null, ...over,
  };
}

function progress(over: Partial<SyncProgress>): SyncProgress {
  return {
    runId: 1, connection: 'lab', status: 'running', phase: 'usage', subscribersDone: 1, subscribersTotal: 3,
    currentSubscriber: 'sub-a', pages: 4, records: 1200, inserted: 1200, rate: 300, percent: 33, error: null, ...over,
  };
}

describe('useSyncStore', () => {
  let history: SyncRunRow[];

  beforeEach(() => {
    setActivePinia(createPinia());
    bridge.calls.length = 0;
    history = [];
    bridge.handlers = {
      'sync:start': () => ({ runId: 1 }),
      'sync:runs': () => history,
      'sync:cancel': () => undefined,
    };
  });

  it('talks to the Electron bridge when one is exposed', () => {
    expect(launch().mode).toBe('electron');
  });

  it('shows a started run at once, then follows its progress events', async () => {
    const store = useSyncStore();
    store.subscribe();
    await store.start({ connection: 'lab', from: '2024-05-01', to: '2024-06-01', granularity: 'Hourly' });

    expect(bridge.callsOf('sync:start')).toEqual([
      [{ connection: 'lab', from: '2024-05-01', to: '2024-06-01', granularity: 'Hourly' }],
    ]);
    expect(store.activeByConnection.lab).toMatchObject({ runId: 1, percent: 0, records: 0, phase: 'discovering' });

    bridge.emit('sync:progress', progress({ percent: 33, records: 1200 }));
    expect(store.activeByConnection.lab).toMatchObject({ percent: 33, records: 1200, subscribersDone: 1, rate: 300 });

    bridge.emit('sync:progress', progress({ percent: 66, records: 2500, subscribersDone: 2 }));
    expect(store.activeByConnection.lab).toMatchObject({ percent: 66, records: 2500, subscribersDone: 2 });
    store.unsubscribeAll();
  });

  it('keeps progress that arrived before the answer to sync:start', async () => {
    const store = useSyncStore();
    store.subscribe();
    bridge.handlers['sync:start'] = () => {
      bridge.emit('sync:progress', progress({ percent: 50 }));
      return { runId: 1 };
    };
    await store.start({ connection: 'lab', from: '2024-05-01', to: '2024-06-01', granularity: 'Daily' });
    expect(store.activeByConnection.lab?.percent).toBe(50);
    store.unsubscribeAll();
  });

  it('on the finished event, ends the live progress, keeps the outcome and reloads the history', async () => {
    const store = useSyncStore();
    store.subscribe();
    await store.start({ connection: 'lab', from: '2024-05-01', to: '2024-06-01', granularity: 'Hourly' });
    bridge.emit('sync:progress', progress({ percent: 90 }));
    const runsCallsBefore = bridge.callsOf('sync:runs').length;

    const announced: SyncRunRow[] = [];
    store.onRunFinished((r) => announced.push(r));
    const done = run({ id: 1, records: 5000 });
    history = [done];
    bridge.emit('sync:finished', done);
    await flushPromises();

    expect(announced).toEqual([done]);
    expect(store.activeByConnection.lab).toBeUndefined();
    expect(store.finished.lab).toEqual(done);
    expect(bridge.callsOf('sync:runs').length).toBe(runsCallsBefore + 1);
    expect(store.runs).toEqual([done]);
    store.unsubscribeAll();
  });

  it('settles a run whose finished event was missed while the event stream was down', async () => {
    const store = useSyncStore();
    store.applyProgress(progress({ runId: 4, percent: 70 }));
    const error = 'The token endpoint refused the client secret.';
    history = [run({ id: 4, status: 'failed', error, errorCode: 'AUTH' })];

    await store.catchUp();

    expect(store.activeByConnection.lab).toBeUndefined();
    expect(store.finished.lab?.error).toBe(error);
  });

  it('passes the core\'s refusal to start on as an error with its message', async () => {
    const store = useSyncStore();
    bridge.handlers['sync:start'] = () => {
      throw new StackmeterError('CONFLICT', 'A sync of lab is already running; wait for it or cancel it.');
    };
    const request = { connection: 'lab', from: '2024-05-01', to: '2024-06-01', granularity: 'Hourly' } as const;
    await expect(store.start(request)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'A sync of lab is already running; wait for it or cancel it.',
    });
    expect(store.activeByConnection.lab).toBeUndefined();
  });

  it('cancels by run id', async () => {
    await useSyncStore().cancel(9);
    expect(bridge.callsOf('sync:cancel')).toEqual([[9]]);
  });
});
