import type { Args, Method, Returns } from '../shared/contract.ts';
import { StackmeterError } from '../shared/result.ts';
import { createDispatcher } from '../core/dispatch.ts';
import type { Core } from '../core/types.ts';

const dispatchers = new WeakMap<Core, ReturnType<typeof createDispatcher>>();

/**
 * Calls a contract method through the same dispatcher as Electron IPC and the HTTP server, so that CLI input is
 * validated by the same schemas and fails with the same messages.
 */
export async function call<M extends Method>(core: Core, method: M, ...args: Args<M>): Promise<Returns<M>> {
  let dispatch = dispatchers.get(core);
  if (!dispatch) dispatchers.set(core, (dispatch = createDispatcher(core)));
  const result = await dispatch(method, args);
  if (!result.ok) throw new StackmeterError(result.error.code, result.error.message);
  return result.value as Returns<M>;
}
