import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { Bridge, Client, EventName, Method, StackmeterEvents } from '../../../electron/shared/contract.ts';
import type { Result } from '../../../electron/shared/result.ts';
import { ApiError } from './errors.ts';
import { createHttpTransport } from './http.ts';
import { takeLaunchToken } from './token.ts';
import type { Transport } from './transport.ts';

/**
 * The only module that knows how the console reaches the core. In Electron the sandboxed preload exposes a `Bridge` as
 * `window.stackmeter`; in browser mode (`stackmeter serve`) calls go over HTTP with the launch token.
 */

/** Every contract method, listed once; a method added to the contract without being listed here fails to compile. */
const METHODS: { [M in Method]: true } = {
  'app:info': true,
  'connections:list': true,
  'connections:add': true,
  'connections:remove': true,
  'sync:start': true,
  'sync:cancel': true,
  'sync:runs': true,
  'overview:get': true,
  'meters:list': true,
  'meters:override': true,
  'meters:overrides': true,
  'meters:importOverrides': true,
  'meters:unknown': true,
  'meters:detail': true,
  'meters:series': true,
  'usage:explore': true,
  'usage:records': true,
  'usage:export': true,
  'usage:completeness': true,
  'resources:get': true,
  'rates:list': true,
  'rates:get': true,
  'rates:create': true,
  'rates:saveDraft': true,
  'rates:deleteDraft': true,
  'rates:publish': true,
  'rates:import': true,
  'rates:export': true,
  'adjustments:list': true,
  'adjustments:save': true,
  'adjustments:remove': true,
  'adjustments:import': true,
  'adjustments:export': true,
  'audit:list': true,
  'audit:verify': true,
  'audit:export': true,
  'chargeback:run': true,
  'chargeback:lines': true,
  'chargeback:whatIf': true,
  'chargeback:export': true,
  'statements:list': true,
  'statements:get': true,
  'statements:create': true,
  'statements:finalize': true,
  'statements:replay': true,
  'statements:correct': true,
  'statements:export': true,
  'capacity:models': true,
  'capacity:get': true,
  'capacity:save': true,
  'capacity:readCores': true,
  'capacity:report': true,
  'capacity:recoveryDraft': true,
  'capacity:export': true,
  'bundles:key': true,
  'bundles:trusted': true,
  'bundles:trust': true,
  'bundles:export': true,
  'bundles:verify': true,
  'bundles:import': true,
  'usage:import': true,
};

function unwrap(result: Result<unknown>): unknown {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message);
}

/** A typed client over any transport: each call resolves with the value or throws an ApiError. */
export function createClient(transport: Transport): Client {
  const client: Partial<Record<Method, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of Object.keys(METHODS) as Method[]) {
    client[method] = async (...args: unknown[]) => {
      // Optional trailing arguments left out must not travel as `null` (JSON has no undefined): drop them.
      let end = args.length;
      while (end > 0 && args[end - 1] === undefined) end -= 1;
      return unwrap(await transport.invoke(method, args.slice(0, end)));
    };
  }
  return client as Client;
}

export type Launch =
  | { mode: 'electron'; transport: Transport }
  | { mode: 'browser'; transport: Transport }
  /** Browser mode opened without the token: nothing can be called; the app says how to open it properly. */
  | { mode: 'missing-token'; transport: Transport };

export const MISSING_TOKEN_MESSAGE = 'Open the address printed by `stackmeter serve` (it carries the access token).';

const streamOpenListeners = new Set<() => void>();

function detectLaunch(win: Window): Launch {
  const bridge = (win as unknown as Record<string, Bridge | undefined>)[BRIDGE_KEY];
  if (bridge) return { mode: 'electron', transport: bridge };
  const token = takeLaunchToken(win);
  if (token) {
    const transport = createHttpTransport({
      token,
      onStreamOpen: () => streamOpenListeners.forEach((listener) => listener()),
    });
    win.addEventListener('pagehide', () => transport.close());
    return { mode: 'browser', transport };
  }
  return {
    mode: 'missing-token',
    transport: {
      invoke: async () => ({ ok: false, error: { code: 'FORBIDDEN', message: MISSING_TOKEN_MESSAGE } }),
      on: () => () => {},
    },
  };
}

let current: Launch | undefined;

/**
 * How this page was launched, decided once on first use. main.ts calls it before anything reads the URL fragment, so
 * the token is out of the address bar before the view router looks at it.
 */
export function launch(): Launch {
  current ??= detectLaunch(window);
  return current;
}

export const api: Client = createClient({
  invoke: (method, args) => launch().transport.invoke(method, args),
  on: (event, listener) => launch().transport.on(event, listener),
});

/** Subscribes to a core event; returns the unsubscribe function. */
export function onEvent<E extends EventName>(name: E, listener: (payload: StackmeterEvents[E]) => void): () => void {
  return launch().transport.on(name, (payload) => listener(payload as StackmeterEvents[E]));
}

/**
 * Browser mode only: called when the event stream reconnects after a drop, so stores can reload what events they may
 * have missed. (Electron's IPC channel does not drop.)
 */
export function onEventStreamOpen(listener: () => void): () => void {
  streamOpenListeners.add(listener);
  return () => streamOpenListeners.delete(listener);
}
