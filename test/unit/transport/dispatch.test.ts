import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/core/dispatch.ts';
import type { Logger } from '../../../electron/core/types.ts';
import type { Handlers } from '../../../electron/shared/contract.ts';
import type { ConnectionInput, ConnectionRow } from '../../../electron/shared/domain.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { UnusedHandlers } from '../../support/unused-handlers.ts';

/** Handlers that record what reached them; the dispatcher's job is to decide what may reach them and how. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
interface RecordingHandlers extends Handlers {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class RecordingHandlers extends UnusedHandlers {
  readonly received: unknown[][] = [];
  failWith: unknown = null;

  'app:info'() {
    return { version: '1.0.0', dbPath: '/data/stackmeter.sqlite', canProtectSecrets: false, readOnly: null };
  }
  'connections:list'() {
    return [];
  }
  'connections:add'(input: ConnectionInput): ConnectionRow {
    this.received.push([input]);
    if (this.failWith) throw this.failWith;
    return { name: input.name } as ConnectionRow;
  }
  'connections:remove'() {}
  'sync:start'() {
    return { runId: 1 };
  }
  'sync:cancel'() {}
  async 'sync:runs'(limit?: number) {
    this.received.push([limit]);
    return [];
  }
  'overview:get'(): never {
    throw this.failWith;
  }
  'meters:list'() {
    return [];
  }
  'meters:overrides'() {
    return [];
  }
  'meters:unknown'() {
    return [];
  }
}

function recordingLog() {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    info: (message, fields) => lines.push({ message, fields }),
    warn: (message, fields) => lines.push({ message, fields }),
    error: (message, fields) => lines.push({ message, fields }),
  };
  return { log, lines };
}

const goodInput = {
  name: '  lab  ', armEndpoint: 'https://adminmanagement.local.azurestack.external', clientId: 'app',
  credential: { type: 'secret', source: { kind: 'session', value: 'hunter2-session-secret' } },
};

describe('createDispatcher', () => {
  it('calls the handler with the parsed (trimmed) arguments, bound to its object, and wraps the value', async () => {
    const handlers = new RecordingHandlers();
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('connections:add', [goodInput])).toEqual({ ok: true, value: { name: 'lab' } });
    expect(handlers.received).toEqual([[{ ...goodInput, name: 'lab' }]]);
  });

  it('awaits asynchronous handlers and accepts an omitted optional argument', async () => {
    const handlers = new RecordingHandlers();
    expect(await createDispatcher(handlers)('sync:runs', [])).toEqual({ ok: true, value: [] });
    expect(handlers.received).toEqual([[undefined]]);
  });

  it('refuses an unknown method without calling anything', async () => {
    const handlers = new RecordingHandlers();
    const result = await createDispatcher(handlers)('constructor', []);
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Unknown method "constructor".' } });
    const long = await createDispatcher(handlers)('x'.repeat(10_000), []);
    expect(!long.ok && long.error.message.length).toBeLessThan(100);
  });

  it('refuses arguments the schema rejects, naming the method and the field', async () => {
    const handlers = new RecordingHandlers();
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('connections:add', [{ ...goodInput, armEndpoint: 'http://stamp.local' }])).toEqual({
      ok: false, error: { code: 'INVALID_ARGUMENT', message: 'connections:add: armEndpoint must start with https://' },
    });
    const notArray = await dispatch('app:info', { 0: 1 });
    expect(notArray.ok).toBe(false);
    expect(!notArray.ok && notArray.error.code).toBe('INVALID_ARGUMENT');
    expect(handlers.received).toEqual([]);
  });

  it('keeps the code and message of a StackmeterError and does not log it', async () => {
    const handlers = new RecordingHandlers();
    handlers.failWith = new StackmeterError('CONFLICT', 'A connection named "lab" already exists.');
    const { log, lines } = recordingLog();
    expect(await createDispatcher(handlers, log)('connections:add', [goodInput])).toEqual({
      ok: false, error: { code: 'CONFLICT', message: 'A connection named "lab" already exists.' },
    });
    expect(lines).toEqual([]);
  });

  it('reports anything else as INTERNAL and logs its stack, never the arguments', async () => {
    const handlers = new RecordingHandlers();
    handlers.failWith = new TypeError('cannot read properties of undefined');
    const { log, lines } = recordingLog();
    const result = await createDispatcher(handlers, log)('connections:add', [goodInput]);
    expect(result).toEqual({
      ok: false, error: { code: 'INTERNAL', message: 'Unexpected error: cannot read properties of undefined' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0].fields?.method).toBe('connections:add');
    expect(String(lines[0].fields?.stack)).toContain('TypeError: cannot read properties of undefined');
    expect(JSON.stringify(lines)).not.toContain('hunter2-session-secret');
  });

  it('maps a thrown non-Error to INTERNAL too', async () => {
    const handlers = new RecordingHandlers();
    handlers.failWith = 'plain string';
    const result = await createDispatcher(handlers)('overview:get', []);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Unexpected error: plain string' } });
  });
});
