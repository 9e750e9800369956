import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, eventChannel, invokeChannel } from '../shared/contract.ts';
import type { Bridge } from '../shared/contract.ts';

/**
 * The sandboxed preload: the page gets `window.stackmeter` with one generic invoke and one event subscription, never
 * ipcRenderer itself nor Electron's event objects. Main checks the sender and the arguments of every call.
 */
const bridge: Bridge = {
  invoke: async (method, args) => {
    try {
      return await ipcRenderer.invoke(invokeChannel(method), args);
    } catch (err) {
      // Only reached when main has no handler for the name (or the arguments cannot be cloned); keep the envelope.
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `Call to "${String(method)}" failed: ${message}` } };
    }
  },
  on: (event, listener) => {
    const channel = eventChannel(event);
    const relay = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, relay);
    return () => {
      ipcRenderer.removeListener(channel, relay);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
