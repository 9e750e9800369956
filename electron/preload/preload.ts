import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL, eventChannel, invokeChannel } from '../shared/contract.ts';
import type { Bridge, DialogBridge } from '../shared/contract.ts';
import type { Result } from '../shared/result.ts';

/**
 * The sandboxed preload: the page gets `window.stackmeter` with one generic invoke, one event subscription and the two
 * native file dialogs, never ipcRenderer itself nor Electron's event objects. Main checks the sender and the arguments
 * of every call.
 */

/** A dialog's answer, or a rejection carrying main's sentence (the console shows it like any failed call). */
async function dialog<T>(channel: string, argument: unknown): Promise<T> {
  const result = await ipcRenderer.invoke(channel, argument) as Result<T>;
  if (result.ok) return result.value;
  throw new Error(result.error.message);
}

const bridge: Bridge & DialogBridge = {
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
  pickFile: (accept) => dialog(PICK_FILE_CHANNEL, accept),
  saveExports: (fileNames) => dialog(SAVE_EXPORTS_CHANNEL, fileNames),
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
