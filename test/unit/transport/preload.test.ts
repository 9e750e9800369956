import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, eventChannel, invokeChannel } from '../../../electron/shared/contract.ts';
import type { Bridge } from '../../../electron/shared/contract.ts';

// Electron's binary cannot run under vitest, so the preload's two Electron modules are replaced by recorders that
// behave like them: contextBridge keeps what is exposed, ipcRenderer answers invokes and delivers channel messages.
const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const invokes: { channel: string; args: unknown[] }[] = [];
  return {
    exposed,
    listeners,
    invokes,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invokes.push({ channel, args });
        if (channel === 'stackmeter:missing') throw new Error(`No handler registered for '${channel}'`);
        return { ok: true, value: 'answered' };
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(listener);
      },
    },
  };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

let bridge: Bridge;
beforeAll(async () => {
  await import('../../../electron/preload/preload.ts');
  bridge = electron.exposed.get(BRIDGE_KEY) as Bridge;
});

describe('preload bridge', () => {
  it('exposes only invoke, on and the two file dialogs under the bridge key', () => {
    expect([...electron.exposed.keys()]).toEqual([BRIDGE_KEY]);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pickFile', 'saveExports']);
  });

  it('invokes the method\'s channel with the argument array as one value', async () => {
    expect(await bridge.invoke('meters:list', [{ seenOnly: true }])).toEqual({ ok: true, value: 'answered' });
    expect(electron.invokes.at(-1)).toEqual({ channel: invokeChannel('meters:list'), args: [[{ seenOnly: true }]] });
  });

  it('turns a call main cannot route into an error envelope instead of a rejection', async () => {
    const result = await bridge.invoke('missing' as never, []);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('delivers event payloads without Electron\'s event object, until unsubscribed', () => {
    const received: unknown[] = [];
    const unsubscribe = bridge.on('sync:finished', (payload) => received.push(payload));
    const channel = eventChannel('sync:finished');
    const deliver = (payload: unknown) => {
      for (const listener of electron.listeners.get(channel) ?? []) listener({ sender: 'ipc-internals' }, payload);
    };
    deliver({ id: 1 });
    unsubscribe();
    deliver({ id: 2 });
    expect(received).toEqual([{ id: 1 }]);
    expect(electron.listeners.get(channel)?.size).toBe(0);
  });
});
