import type { Bridge, EventName, Method, StackmeterEvents, StackmeterApi } from '../../../electron/shared/contract.ts';
import type { Result } from '../../../electron/shared/result.ts';
import { toErrorInfo } from '../../../electron/shared/result.ts';

type Handlers = { [M in Method]?: (...args: Parameters<StackmeterApi[M]>) => ReturnType<StackmeterApi[M]> };

/**
 * Stands where Electron's preload bridge stands (`window.stackmeter`): the renderer's real client and stores run
 * against it; each test gives the handlers the core would answer with and pushes events as the core would.
 */
export class FakeBridge implements Bridge {
  handlers: Handlers = {};
  readonly calls: { method: Method; args: unknown[] }[] = [];
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  async invoke(method: Method, args: unknown[]): Promise<Result<unknown>> {
    this.calls.push({ method, args });
    const handler = this.handlers[method] as ((...a: unknown[]) => unknown) | undefined;
    if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `no fake handler for ${method}` } };
    try {
      return { ok: true, value: await handler(...args) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: StackmeterEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
}
