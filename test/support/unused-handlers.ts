import type { Handlers } from '../../electron/shared/contract.ts';
import { METHODS } from '../../electron/shared/schemas.ts';

/**
 * A handler for every contract method that fails loudly when called: fake cores spread it and override the few methods
 * their test uses, so a new contract method needs no edit here or in them.
 */
export function unusedHandlers(): Handlers {
  return Object.fromEntries(METHODS.map((method) => [method, () => {
    throw new Error(`${method} is not used by this test`);
  }])) as unknown as Handlers;
}

/**
 * The same as a base class, for fakes that keep their state in `this` and define their methods as methods: declare
 * `interface Fake extends Handlers {}` beside `class Fake extends UnusedHandlers`, so the class is typed as a whole
 * Handlers while only overriding what it uses.
 */
export const UnusedHandlers = function UnusedHandlers() {} as unknown as new () => object;
Object.assign(UnusedHandlers.prototype, unusedHandlers());
