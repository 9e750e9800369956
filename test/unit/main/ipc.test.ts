import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../electron/core/dispatch.ts';
import { isAppFrame, registerIpcHandlers } from '../../../electron/main/ipc.ts';
import { BRIDGE_KEY, invokeChannel } from '../../../electron/shared/contract.ts';
import type { Bridge, Handlers, Method } from '../../../electron/shared/contract.ts';
import type { ConnectionRow } from '../../../electron/shared/domain.ts';
import { argSchemas } from '../../../electron/shared/schemas.ts';
import { unusedHandlers } from '../../support/unused-handlers.ts';
import { consoleFrame, InMemoryIpcMain } from './in-memory-ipc.ts';
import type { Frame } from './in-memory-ipc.ts';

/** Every method of the contract, taken from the schema table (a method without a schema does not compile). */
const CONTRACT_METHODS = Object.keys(argSchemas).sort() as Method[];

function setUp() {
  const calls: string[] = [];
  const handlers: Handlers = {
    ...unusedHandlers(),
    'app:info': () => {
      calls.push('app:info');
      return { version: '1.2.3', dbPath: '/data/db.sqlite', canProtectSecrets: false, readOnly: null };
    },
    'connections:list': () => { calls.push('connections:list'); return []; },
    'connections:add': (input) => { calls.push('connections:add'); return { name: input.name } as ConnectionRow; },
    'sync:start': () => { calls.push('sync:start'); return { runId: 4 }; },
    'sync:cancel': () => { calls.push('sync:cancel'); },
  };
  const ipcMain = new InMemoryIpcMain();
  const warnings: unknown[] = [];
  const log = { info: () => {}, error: () => {}, warn: (_m: string, fields?: unknown) => { warnings.push(fields); } };
  const unregister = registerIpcHandlers(ipcMain, createDispatcher(handlers), undefined, log);
  return { ipcMain, calls, unregister, warnings };
}

describe('IPC registration', () => {
  it('registers one invoke channel for every method of the contract, and removes them all again', () => {
    const { ipcMain, unregister } = setUp();
    expect(CONTRACT_METHODS.length).toBeGreaterThan(40);
    expect([...ipcMain.listeners.keys()].sort()).toEqual(CONTRACT_METHODS.map(invokeChannel).sort());
    unregister();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('answers a call from the console\'s main frame with the Result envelope', async () => {
    const { ipcMain, calls } = setUp();
    expect(await ipcMain.invoke(consoleFrame(), invokeChannel('app:info'), []))
      .toEqual({ ok: true, value: { version: '1.2.3', dbPath: '/data/db.sqlite', canProtectSecrets: false, readOnly: null } });
    expect(await ipcMain.invoke(consoleFrame(), invokeChannel('sync:start'),
      [{ connection: 'lab', from: '2024-01-01', to: '2024-01-02', granularity: 'Hourly' }]))
      .toEqual({ ok: true, value: { runId: 4 } });
    expect(calls).toEqual(['app:info', 'sync:start']);
  });

  it('refuses a malformed argument, naming the field, without reaching the core', async () => {
    const { ipcMain, calls } = setUp();
    const result = await ipcMain.invoke(consoleFrame(), invokeChannel('sync:start'),
      [{ connection: 'lab', from: 'yesterday', to: '2024-01-02', granularity: 'Hourly' }]);
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^sync:start: from is not a UTC date/) } });
    expect(await ipcMain.invoke(consoleFrame(), invokeChannel('connections:add'),
      [{ name: 'lab', armEndpoint: 'http://plain.example', clientId: 'x', credential: { type: 'secret', source: { kind: 'env', variable: 'S' } } }]))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('armEndpoint must start with https://') } });
    expect(calls).toEqual([]);
  });

  it.each(CONTRACT_METHODS)('%s: refuses arguments that are not its argument list', async (method) => {
    const { ipcMain } = setUp();
    const tooMany = Array.from({ length: 12 }, (_, i) => ({ surplus: i }));
    for (const args of ['not-an-array', { 0: 'x' }, tooMany, null]) {
      expect(await ipcMain.invoke(consoleFrame(), invokeChannel(method), args))
        .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(method) } });
    }
  });

  const strangers: [string, Frame | null][] = [
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['a file URL', { url: 'file:///tmp/page.html', parent: null }],
    ['a look-alike host', { url: 'app://stackmeter.evil.example/index.html', parent: null }],
    ['a subframe of the console, even of its own origin', { url: 'app://stackmeter/index.html', parent: consoleFrame() }],
    ['a frame that has gone', null],
  ];
  it.each(strangers)('refuses a call from %s with FORBIDDEN, before looking at the arguments', async (_what, frame) => {
    const { ipcMain, calls, warnings } = setUp();
    for (const method of CONTRACT_METHODS) {
      expect(await ipcMain.invoke(frame, invokeChannel(method), 'not-even-an-array'))
        .toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'This window is not allowed to call Stackmeter.' } });
    }
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(CONTRACT_METHODS.length);
    expect(warnings[0]).toEqual({ method: CONTRACT_METHODS[0], frame: frame?.url ?? null });
  });

  it('uses the sender check it is given', async () => {
    const ipcMain = new InMemoryIpcMain();
    registerIpcHandlers(ipcMain, createDispatcher(unusedHandlers()), () => false);
    expect(await ipcMain.invoke(consoleFrame(), invokeChannel('app:info'), []))
      .toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('trusts only a main frame of the console origin', () => {
    expect(isAppFrame({ senderFrame: consoleFrame('app://stackmeter/') })).toBe(true);
    expect(isAppFrame({ senderFrame: { url: 'app://stackmeter/', parent: {} } })).toBe(false);
    expect(isAppFrame({ senderFrame: { url: 'app://stackmeter/', parent: undefined } })).toBe(false);
  });
});

// The renderer's side of the same pipe: the real preload, loaded with an ipcRenderer that talks to the in-memory ipcMain
// above as the console's main frame, so a call goes page → bridge → channel → sender check → schema → core and back.
const pipe = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  route: null as null | ((channel: string, args: unknown[]) => Promise<unknown>),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => pipe.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => pipe.route!(channel, args),
    on: () => {},
    removeListener: () => {},
  },
}));

describe('IPC round trip through the real preload', () => {
  let bridge: Bridge;
  let calls: string[];
  beforeAll(async () => {
    const setup = setUp();
    calls = setup.calls;
    pipe.route = (channel, args) => setup.ipcMain.invoke(consoleFrame(), channel, ...args);
    await import('../../../electron/preload/preload.ts');
    bridge = pipe.exposed.get(BRIDGE_KEY) as Bridge;
  });

  it('delivers a valid call to the core and its answer to the page', async () => {
    expect(await bridge.invoke('connections:list', [])).toEqual({ ok: true, value: [] });
    expect(calls).toEqual(['connections:list']);
  });

  it('gives the page the schema\'s refusal, and the core is not called', async () => {
    expect(await bridge.invoke('sync:cancel', ['seven']))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('sync:cancel') } });
    expect(calls).toEqual(['connections:list']);
  });

  it('turns a channel main does not serve into an error envelope', async () => {
    expect(await bridge.invoke('nothing:here' as Method, []))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('nothing:here') } });
  });
});
