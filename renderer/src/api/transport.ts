import type { EventName, Method } from '../../../electron/shared/contract.ts';
import type { Result } from '../../../electron/shared/result.ts';

/**
 * What the client needs from a transport: one generic call and one event subscription. The Electron preload's `Bridge`
 * has exactly this shape; browser mode implements it over HTTP (http.ts).
 */
export interface Transport {
  invoke(method: Method, args: unknown[]): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
