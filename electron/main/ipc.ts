import type { Dispatch } from '../core/dispatch.ts';
import type { Logger } from '../core/types.ts';
import { invokeChannel } from '../shared/contract.ts';
import type { Result } from '../shared/result.ts';
import { METHODS } from '../shared/schemas.ts';
import { isTrustedSenderUrl } from './app-origin.ts';

/**
 * The part of an IpcMainInvokeEvent the sender check reads; Electron's event satisfies it. `senderFrame` is null once
 * the frame has gone; `parent` is null for a main frame and the embedding frame for a subframe.
 */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The part of Electron's ipcMain used here, so the registration can be exercised with an in-memory stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * The default sender check: the calling frame must be a main frame (an iframe, even one of the console's own origin,
 * never calls the core) still showing the console's own app:// origin.
 */
export function isAppFrame(event: InvokeEventLike): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isTrustedSenderUrl(frame.url);
}

/**
 * Registers one `ipcMain.handle` per contract method. Each call is checked for its sender first (a frame of another
 * origin gets FORBIDDEN and reaches nothing), then handed to the shared dispatcher, which validates the arguments and
 * maps errors exactly as the browser-mode server does. Returns a function that removes the handlers again.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  isTrustedSender: (event: InvokeEventLike) => boolean = isAppFrame,
  log?: Logger,
): () => void {
  const channels = METHODS.map((method) => {
    const channel = invokeChannel(method);
    ipcMain.handle(channel, async (event, args): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        log?.warn('Refused an IPC call from an untrusted frame', { method, frame: event.senderFrame?.url ?? null });
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This window is not allowed to call Stackmeter.' } };
      }
      return dispatch(method, args);
    });
    return channel;
  });
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
