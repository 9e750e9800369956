import { createPinia, setActivePinia } from 'pinia';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { SyncRunRow } from '../../../electron/shared/domain.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { launch } from '../../../renderer/src/api/client.ts';
import { useSyncStore } from '../../../renderer/src/stores/sync.ts';
import { FakeBridge } from './fake-bridge.ts';
import { syncProgress, syncRun } from './rows.ts';

const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const run = syncRun;
const progress = syncProgress;

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

  it('keeps the latest history when an older reload answers last', async () => {
    const store = useSyncStore();
    const answers: ((rows: SyncRunRow[]) => void)[] = [];
    bridge.handlers['sync:runs'] = () => new Promise<SyncRunRow[]>((resolve) => answers.push(resolve)) as never;
    const older = store.loadRuns();
    const newer = store.loadRuns();
    answers[1]!([run({ id: 1, status: 'succeeded' })]);
    await newer;
    answers[0]!([run({ id: 1, status: 'running', endedAt: null })]);
    await older;
    expect(store.runs.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('cancels by run id', async () => {
    await useSyncStore().cancel(9);
    expect(bridge.callsOf('sync:cancel')).toEqual([[9]]);
  });
  it('asks for new usage only (no dates) when the request has none, and shows windows and retries', async () => {
    const store = useSyncStore();
    store.subscribe();
    await store.start({ connection: 'lab', granularity: 'Hourly' });
    expect(bridge.callsOf('sync:start')).toEqual([[{ connection: 'lab', granularity: 'Hourly' }]]);
    expect(store.activeByConnection.lab).toMatchObject({ windowsDone: 0, windowsTotal: 0, retries: 0 });

    bridge.emit('sync:progress', progress({ windowsDone: 5, windowsTotal: 40, retries: 2 }));
    expect(store.activeByConnection.lab).toMatchObject({ windowsDone: 5, windowsTotal: 40, retries: 2 });
    store.unsubscribeAll();
  });

  it('waits for a run to end, even when its end was announced before the wait began', async () => {
    const store = useSyncStore();
    store.subscribe();
    const later = store.waitForRun(7);
    const done = run({ id: 7, status: 'partial', windowErrors: ['window 1: HTTP 500'] });
    bridge.emit('sync:finished', done);
    await expect(later).resolves.toEqual(done);
    await expect(store.waitForRun(7)).resolves.toEqual(done);
    store.unsubscribeAll();
  });

  it('syncs all stamps one after another, starting each only when the previous one has finished', async () => {
    const store = useSyncStore();
    store.subscribe();
    let next = 10;
    bridge.handlers['sync:start'] = () => ({ runId: next++ });

    const pass = store.syncAll(['lab', 'lab2']);
    await flushPromises();
    expect(bridge.callsOf('sync:start')).toEqual([[{ connection: 'lab', granularity: 'Hourly' }]]);
    expect(store.all).toMatchObject({ current: 'lab', done: 0, stamps: ['lab', 'lab2'] });

    bridge.emit('sync:finished', run({ id: 10, connection: 'lab' }));
    await flushPromises();
    expect(bridge.callsOf('sync:start')).toEqual([
      [{ connection: 'lab', granularity: 'Hourly' }],
      [{ connection: 'lab2', granularity: 'Hourly' }],
    ]);
    expect(store.all).toMatchObject({ current: 'lab2', done: 1 });

    bridge.emit('sync:finished', run({ id: 11, connection: 'lab2', status: 'failed', error: 'Cannot reach lab2.' }));
    const outcomes = await pass;
    expect(outcomes.map((o) => [o.connection, o.run?.status, o.error])).toEqual([
      ['lab', 'succeeded', null],
      ['lab2', 'failed', null],
    ]);
    expect(store.all).toBeNull();
    store.unsubscribeAll();
  });

  it('in a sync of all stamps, reports a stamp that cannot start and goes on with the next', async () => {
    const store = useSyncStore();
    store.subscribe();
    bridge.handlers['sync:start'] = ({ connection }) => {
      if (connection === 'lab') {
        throw new StackmeterError('AUTH', 'The secret of lab was held for the session only; add the stamp again.');
      }
      return { runId: 3 };
    };
    const pass = store.syncAll(['lab', 'lab2']);
    await flushPromises();
    bridge.emit('sync:finished', run({ id: 3, connection: 'lab2' }));
    const outcomes = await pass;
    expect(outcomes).toEqual([
      { connection: 'lab', run: null, error: 'The secret of lab was held for the session only; add the stamp again.' },
      { connection: 'lab2', run: expect.objectContaining({ id: 3 }), error: null },
    ]);
    store.unsubscribeAll();
  });

  it('stopping a sync of all stamps cancels the running one and starts no other', async () => {
    const store = useSyncStore();
    store.subscribe();
    const pass = store.syncAll(['lab', 'lab2']);
    await flushPromises();
    await store.stopAll();
    expect(bridge.callsOf('sync:cancel')).toEqual([[1]]);
    bridge.emit('sync:finished', run({ id: 1, status: 'cancelled', error: 'The sync was cancelled.' }));
    const outcomes = await pass;
    expect(outcomes).toHaveLength(1);
    expect(bridge.callsOf('sync:start')).toHaveLength(1);
    store.unsubscribeAll();
  });
});
