import type { Handlers } from '../shared/contract.ts';
import type { Result } from '../shared/result.ts';
import { StackmeterError, toErrorInfo } from '../shared/result.ts';
import { argSchemas, describeIssues, isMethod } from '../shared/schemas.ts';
import type { Logger } from './types.ts';

/** One contract call as both transports see it: a method name and its arguments, straight off the wire. */
export type Dispatch = (method: string, args: unknown) => Promise<Result<unknown>>;

/** Long enough for every real method name; keeps a hostile caller from echoing megabytes back through the error. */
const MAX_METHOD_IN_MESSAGE = 64;

/**
 * Builds the single entry point that Electron IPC and the browser-mode server share, so that both validate arguments
 * and map errors identically: unknown methods and schema failures become INVALID_ARGUMENT, a StackmeterError keeps its
 * code, anything else is a bug reported as INTERNAL and logged with its stack. Argument values are never logged: a
 * connection may carry a session secret.
 */
export function createDispatcher(handlers: Handlers, log?: Logger): Dispatch {
  return async (method, args) => {
    if (!isMethod(method)) {
      const shown = method.length > MAX_METHOD_IN_MESSAGE ? `${method.slice(0, MAX_METHOD_IN_MESSAGE)}…` : method;
      return failure('INVALID_ARGUMENT', `Unknown method "${shown}".`);
    }
    const parsed = argSchemas[method].safeParse(args);
    if (!parsed.success) return failure('INVALID_ARGUMENT', `${method}: ${describeIssues(parsed.error)}`);
    try {
      // Reflect.apply keeps `this` bound to the handlers object, which may be a class instance.
      const value: unknown = await Reflect.apply(handlers[method], handlers, parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof StackmeterError)) {
        log?.error('Contract call failed unexpectedly', {
          method,
          stack: err instanceof Error ? err.stack : String(err),
        });
      }
      return { ok: false, error: toErrorInfo(err) };
    }
  };
}

function failure(code: 'INVALID_ARGUMENT', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
