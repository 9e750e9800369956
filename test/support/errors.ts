import { StackmeterError } from '../../electron/shared/result.ts';

/** The StackmeterError a call throws, so a test can look at its code and message; fails when it throws nothing. */
export function errorOf(fn: () => unknown): StackmeterError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StackmeterError) return err;
    throw err;
  }
  throw new Error('expected a StackmeterError');
}

/**
 * The StackmeterError a call or a promise fails with, whether the call throws at once or rejects; fails when nothing
 * fails.
 */
export async function rejectionOf(action: Promise<unknown> | (() => unknown)): Promise<StackmeterError> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (err) {
    if (err instanceof StackmeterError) return err;
    throw err;
  }
  throw new Error('expected a StackmeterError');
}
