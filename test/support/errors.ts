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
