import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/core/dispatch.ts';
import { registerIpcHandlers } from '../../../electron/main/ipc.ts';
import type { InvokeEventLike, IpcMainLike } from '../../../electron/main/ipc.ts';
import { invokeChannel } from '../../../electron/shared/contract.ts';
import type { Handlers } from '../../../electron/shared/contract.ts';
import type { ConnectionRow } from '../../../electron/shared/domain.ts';
import { METHODS } from '../../../electron/shared/schemas.ts';
import { unusedHandlers } from '../../support/unused-handlers.ts';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** ipcMain's registry without Electron: handle() stores a listener, invoke() calls it as a renderer's invoke would. */
class InMemoryIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(frameUrl: string | null, channel: string, args: unknown): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, args));
  }
}

function setUp() {
  const calls: string[] = [];
  const handlers: Handlers = {
    ...unusedHandlers(),
    'app:info': () => { calls.push('app:info'); return { version: '1.2.3', dbPath: '/data/db.sqlite', canProtectSecrets: false }; },
    'connections:list': () => { calls.push('connections:list'); return []; },
    'connections:add': (input) => { calls.push('connections:add'); return { name: input.name } as ConnectionRow; },
    'connections:remove': () => { calls.push('connections:remove'); },
    'sync:start': () => { calls.push('sync:start'); return { runId: 4 }; },
    'sync:cancel': () => { calls.push('sync:cancel'); },
    'sync:runs': () => { calls.push('sync:runs'); return []; },
    'meters:list': () => { calls.push('meters:list'); return []; },
    'meters:overrides': () => [],
    'meters:unknown': () => [],
  };
  const ipcMain = new InMemoryIpcMain();
  const unregister = registerIpcHandlers(ipcMain, createDispatcher(handlers));
  return { ipcMain, calls, unregister };
}

const APP_URL = 'app://stackmeter/index.html#/overview';

describe('registerIpcHandlers', () => {
  it('registers exactly one invoke channel per contract method and removes them again', () => {
    const { ipcMain, unregister } = setUp();
    expect([...ipcMain.listeners.keys()].sort()).toEqual(METHODS.map(invokeChannel).sort());
    unregister();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('answers a call from the console frame with the Result envelope', async () => {
    const { ipcMain, calls } = setUp();
    expect(await ipcMain.invoke(APP_URL, invokeChannel('app:info'), []))
      .toEqual({ ok: true, value: { version: '1.2.3', dbPath: '/data/db.sqlite', canProtectSecrets: false } });
    expect(await ipcMain.invoke(APP_URL, invokeChannel('sync:start'),
      [{ connection: 'lab', from: '2024-01-01', to: '2024-01-02', granularity: 'Hourly' }]))
      .toEqual({ ok: true, value: { runId: 4 } });
    expect(calls).toEqual(['app:info', 'sync:start']);
  });

  it('refuses bad arguments, naming the field, without calling the core', async () => {
    const { ipcMain, calls } = setUp();
    const result = await ipcMain.invoke(APP_URL, invokeChannel('sync:start'),
      [{ connection: 'lab', from: 'yesterday', to: '2024-01-02', granularity: 'Hourly' }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((result as { error: { message: string } }).error.message).toMatch(/^sync:start: from is not a UTC date/);
    expect(await ipcMain.invoke(APP_URL, invokeChannel('sync:cancel'), 'not-an-array'))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['another origin', 'https://evil.example/'],
    ['a file URL', 'file:///tmp/page.html'],
    ['a destroyed frame', null],
  ])('refuses a call from %s with FORBIDDEN', async (_what, url) => {
    const { ipcMain, calls } = setUp();
    expect(await ipcMain.invoke(url, invokeChannel('connections:list'), []))
      .toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'This window is not allowed to call Stackmeter.' } });
    expect(calls).toEqual([]);
  });

  it('uses the sender check it is given', async () => {
    const ipcMain = new InMemoryIpcMain();
    const handlers = { 'app:info': () => ({ version: 'x', dbPath: 'y' }) } as unknown as Handlers;
    registerIpcHandlers(ipcMain, createDispatcher(handlers), () => false);
    expect(await ipcMain.invoke(APP_URL, invokeChannel('app:info'), []))
      .toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
