import type { InvokeEventLike, IpcMainLike } from '../../../electron/main/ipc.ts';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;
export type Frame = NonNullable<InvokeEventLike['senderFrame']>;

/**
 * ipcMain's registry without Electron: handle() stores a listener (refusing a second one for a channel, as Electron
 * does), invoke() calls it the way a renderer's ipcRenderer.invoke would, from a given frame.
 */
export class InMemoryIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(frame: Frame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    // Electron clones arguments between processes; so does this, so that no object is shared by reference.
    return Promise.resolve(listener({ senderFrame: frame }, ...structuredClone(args)));
  }
}

/** The console's own main frame. */
export const consoleFrame = (url = 'app://stackmeter/index.html#/overview'): Frame => ({ url, parent: null });
