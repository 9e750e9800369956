import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/types.ts';
import type { EventName, StackmeterEvents } from '../../electron/shared/contract.ts';
import type { ConnectionRow, SyncProgress } from '../../electron/shared/domain.ts';
import { StackmeterError } from '../../electron/shared/result.ts';
import { startServer } from '../../electron/server/server.ts';
import type { RunningServer } from '../../electron/server/server.ts';
import { unusedHandlers } from '../support/unused-handlers.ts';

/**
 * A small in-memory core: enough behaviour (connections that can be added, listed and removed, events that can be
 * emitted) to prove that the server carries calls, errors and events faithfully. The real core has its own tests.
 */
function createTestCore() {
  const connections: ConnectionRow[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const core: Core = {
    ...unusedHandlers(),
    'app:info': () => ({ version: '9.9.9-test', dbPath: '/tmp/test.sqlite', canProtectSecrets: false, readOnly: null }),
    'connections:list': () => connections,
    'connections:add': (input) => {
      const row: ConnectionRow = {
        name: input.name, armEndpoint: input.armEndpoint, kind: 'operator', authType: 'adfs',
        loginEndpoint: 'https://adfs.local.azurestack.external/adfs', audience: 'https://management.adfs.azurestack.local/x',
        tenantId: null, clientId: input.clientId, credentialType: input.credential.type,
        secretSource: input.credential.source.kind === 'env' ? `env:${input.credential.source.variable}` : 'session',
        caSubject: null, proxy: null, providerSubscriptionId: '00000000-0000-0000-0000-000000000001',
        createdAt: '2024-01-01T00:00:00Z', records: 0, lastSync: null,
      };
      connections.push(row);
      return row;
    },
    'connections:remove': (name) => {
      const index = connections.findIndex((c) => c.name === name);
      if (index < 0) throw new StackmeterError('NOT_FOUND', `No connection named "${name}".`);
      connections.splice(index, 1);
    },
    'sync:start': () => ({ runId: 1 }),
    'sync:cancel': () => undefined,
    'sync:runs': (limit) => Array.from({ length: Math.min(limit ?? 2, 2) }, (_, i) => ({
      id: i + 1, connection: 'lab', status: 'succeeded' as const, granularity: 'Hourly' as const,
      from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z', startedAt: '2024-01-02T00:00:00Z',
      endedAt: '2024-01-02T00:01:00Z', subscribers: 1, pages: 1, records: 10, inserted: 10, updated: 0, windows: 1,
      windowsDone: 1, retries: 0, error: null, errorCode: null, windowErrors: [],
    })),
    'overview:get': () => { throw new Error('database is locked'); },
    'meters:list': () => [],
    'meters:overrides': () => [],
    'meters:unknown': () => [],
    on<E extends EventName>(event: E, listener: (payload: StackmeterEvents[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const relay = listener as (payload: unknown) => void;
      set.add(relay);
      return () => { set.delete(relay); };
    },
    waitForRun: async () => undefined,
    importFiles: async () => [],
    acceptFile: () => { throw new Error('acceptFile is not used by this test'); },
    close: async () => undefined,
    exportDir: '/tmp/exports',
  };
  return {
    core,
    emit<E extends EventName>(event: E, payload: StackmeterEvents[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}

interface Answer { status: number; headers: IncomingHttpHeaders; body: string }

function send(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
    req.on('error', reject);
    req.end(options.body);
  });
}

let staticDir: string;
let root: string;
let server: RunningServer;
let testCore: ReturnType<typeof createTestCore>;

const call = (method: string, args: unknown[], token = server.token) =>
  send(server.port, {
    method: 'POST', path: `/api/${method}`, body: JSON.stringify({ args }),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stackmeter-server-'));
  staticDir = join(root, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Stackmeter console</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("console");');
  writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET');
  testCore = createTestCore();
  server = await startServer({ core: testCore.core, staticDir });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('launch', () => {
  it('prints a loopback launch URL carrying a fresh 32-byte token in its fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('listens on 127.0.0.1 only, not on the machine\'s other addresses', async () => {
    const others = Object.values(networkInterfaces()).flat()
      .filter((a) => a !== undefined && !a.internal).map((a) => a!.address);
    for (const address of [...others, '::1']) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port: server.port });
        socket.on('connect', () => { socket.destroy(); resolve(true); });
        socket.on('error', () => resolve(false));
      });
      expect(reached, `reachable on ${address}`).toBe(false);
    }
  });
});

describe('access control', () => {
  it('answers 401 without a token, saying to open the launch URL', async () => {
    const answer = await send(server.port, { method: 'POST', path: '/api/app:info', body: '{"args":[]}' });
    expect(answer.status).toBe(401);
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(body.error.message).toMatch(/open the URL that was printed/);
  });

  it('answers 401 to a wrong token, and to the event stream without a token', async () => {
    expect((await call('app:info', [], 'x'.repeat(43))).status).toBe(401);
    expect((await send(server.port, { path: '/api/events' })).status).toBe(401);
  });

  it('answers 403 when the Host header is not our loopback name (DNS rebinding)', async () => {
    const answer = await send(server.port, {
      method: 'POST', path: '/api/app:info', body: '{"args":[]}',
      headers: { Host: `evil.example:${server.port}`, Authorization: `Bearer ${server.token}` },
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('FORBIDDEN');
    expect((await send(server.port, { path: '/', headers: { Host: 'evil.example' } })).status).toBe(403);
  });

  it('accepts localhost:<port> as the Host', async () => {
    const answer = await send(server.port, {
      method: 'POST', path: '/api/app:info', body: '{"args":[]}',
      headers: { Host: `localhost:${server.port}`, Authorization: `Bearer ${server.token}` },
    });
    expect(answer.status).toBe(200);
  });
});

describe('contract calls', () => {
  it('answers a call with the Result envelope, never cached', async () => {
    const answer = await call('app:info', []);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({
      ok: true, value: { version: '9.9.9-test', dbPath: '/tmp/test.sqlite', canProtectSecrets: false, readOnly: null },
    });
  });

  it('passes validated arguments to the core and returns its result', async () => {
    const input = { name: 'lab', armEndpoint: 'https://adminmanagement.local.azurestack.external', clientId: 'app',
      credential: { type: 'secret', source: { kind: 'env', variable: 'STACK_SECRET' } } };
    const added = JSON.parse((await call('connections:add', [input])).body);
    expect(added).toMatchObject({ ok: true, value: { name: 'lab', secretSource: 'env:STACK_SECRET' } });
    const listed = JSON.parse((await call('connections:list', [])).body);
    expect(listed.value.map((c: ConnectionRow) => c.name)).toEqual(['lab']);
  });

  it('refuses invalid arguments naming the field', async () => {
    const input = { name: 'plain', armEndpoint: 'http://adminmanagement.local', clientId: 'app',
      credential: { type: 'secret', source: { kind: 'session', value: 's3cret' } } };
    const answer = await call('connections:add', [input]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      ok: false, error: { code: 'INVALID_ARGUMENT', message: 'connections:add: armEndpoint must start with https://' },
    });
  });

  it('refuses an unknown method', async () => {
    const body = JSON.parse((await call('system:shutdown', [])).body);
    expect(body).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Unknown method "system:shutdown".' } });
  });

  it('keeps the core\'s error codes and hides nothing but bugs\' internals', async () => {
    expect(JSON.parse((await call('connections:remove', ['nope'])).body))
      .toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No connection named "nope".' } });
    expect(JSON.parse((await call('overview:get', [])).body).error.code).toBe('INTERNAL');
  });

  it('passes a JSON null on as a value (some methods take one); an omitted optional argument is left out', async () => {
    expect(JSON.parse((await call('sync:runs', [])).body).value).toHaveLength(2);
    const refused = JSON.parse((await call('sync:runs', [null])).body);
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers 400 to a body that is not JSON or has no args array, 405 to a GET', async () => {
    const headers = { Authorization: `Bearer ${server.token}` };
    const notJson = await send(server.port, { method: 'POST', path: '/api/app:info', body: 'args=1', headers });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/);
    const notArray = await send(server.port, { method: 'POST', path: '/api/app:info', body: '{"args":{}}', headers });
    expect(notArray.status).toBe(400);
    expect((await send(server.port, { path: '/api/app:info', headers })).status).toBe(405);
  });

  it('answers 413 to a body over the limit', async () => {
    const huge = JSON.stringify({ args: ['x'.repeat(6 * 1024 * 1024)] });
    const answer = await send(server.port, {
      method: 'POST', path: '/api/connections:remove', body: huge, headers: { Authorization: `Bearer ${server.token}` },
    });
    expect(answer.status).toBe(413);
  });
});

describe('events', () => {
  let closeStream: (() => void) | undefined;
  afterEach(() => closeStream?.());

  it('relays core events as server-sent events and unsubscribes when the client goes away', async () => {
    let received = '';
    let notify = (): void => undefined;
    const opened = new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events',
        headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { received += chunk; notify(); });
        resolve(res.headers);
      });
      req.on('error', reject);
      req.end();
      closeStream = () => req.destroy();
    });
    const until = (text: string) => new Promise<void>((resolve) => {
      notify = () => { if (received.includes(text)) resolve(); };
      notify();
    });

    const headers = await opened;
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    await until(': connected');
    expect(testCore.listenerCount('sync:progress')).toBe(1);

    const progress: SyncProgress = {
      runId: 7, connection: 'lab', status: 'running', phase: 'usage', subscribersDone: 1, subscribersTotal: 4,
      currentSubscriber: 'tenant-a', pages: 3, records: 300, inserted: 290, windowsDone: 2, windowsTotal: 8, retries: 1,
      rate: 12.5, percent: 25, error: null,
    };
    testCore.emit('sync:progress', progress);
    await until(`data: ${JSON.stringify(progress)}\n\n`);
    const message = received.split('\n\n').find((block) => block.startsWith('event: sync:progress'));
    expect(message).toBe(`event: sync:progress\ndata: ${JSON.stringify(progress)}`);

    closeStream?.();
    closeStream = undefined;
    await expect.poll(() => testCore.listenerCount('sync:progress')).toBe(0);
    expect(testCore.listenerCount('sync:finished')).toBe(0);
  });
  it('sends each event at once, even while the core is busy in one synchronous call (a bundle import)', async () => {
    // The client reads on its own thread, as a browser would: it notes when each event arrives.
    const client = new Worker(`
      const { request } = require('node:http');
      const { parentPort, workerData } = require('node:worker_threads');
      const req = request({ host: '127.0.0.1', port: workerData.port, path: '/api/events',
        headers: { Authorization: 'Bearer ' + workerData.token } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (chunk.includes(': connected')) parentPort.postMessage({ connected: true });
          for (const _ of chunk.matchAll(/event: bundles:progress/g)) parentPort.postMessage({ at: Date.now() });
        });
      });
      req.end();`, { eval: true, workerData: { port: server.port, token: server.token } });
    closeStream = () => void client.terminate();
    const arrivals: number[] = [];
    let connected = (): void => undefined;
    client.on('message', (m: { connected?: true; at?: number }) => {
      if (m.connected) connected();
      if (m.at !== undefined) arrivals.push(m.at);
    });
    await new Promise<void>((resolve) => { connected = resolve; });
    await expect.poll(() => testCore.listenerCount('bundles:progress')).toBe(1);

    const base = { operation: 'import', fileName: 'october.smb', phase: 'importing', total: 3, unit: 'chunks' } as const;
    const started = Date.now();
    for (let done = 1; done <= 3; done++) {
      testCore.emit('bundles:progress', { ...base, done, percent: (done / 3) * 100 });
      const until = Date.now() + 150;
      while (Date.now() < until) { /* the core at work, never yielding */ }
    }
    const returned = Date.now();
    await expect.poll(() => arrivals.length).toBe(3);
    // The first chunk's progress reached the client while the call was still running, not when it returned.
    expect(arrivals[0]! - started).toBeLessThan(100);
    expect(arrivals[0]!).toBeLessThan(returned - 200);
    // Gone from the server before the next test counts listeners: a terminated client is noticed asynchronously.
    await client.terminate();
    await expect.poll(() => testCore.listenerCount('bundles:progress')).toBe(0);
  });

  it('ends open event streams when the server closes, so stopping it does not hang', async () => {
    const own = await startServer({ core: testCore.core, staticDir });
    const ended = new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: own.port, path: '/api/events',
        headers: { Authorization: `Bearer ${own.token}` } }, (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    await expect.poll(() => testCore.listenerCount('sync:finished')).toBe(1);
    await own.close();
    await ended;
    expect(testCore.listenerCount('sync:finished')).toBe(0);
  });
});

describe('static files', () => {
  it('serves index.html for / and assets with their content types and the security headers', async () => {
    const index = await send(server.port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('Stackmeter console');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const script = await send(server.port, { path: '/assets/app.js?v=1' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(server.port, { path: '/missing.js' })).status).toBe(404);
    expect((await send(server.port, { path: '/assets' })).status).toBe(404);
  });

  it('refuses to leave the static folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt', '/%00', '/%E0%A4%A']) {
      const answer = await send(server.port, { path });
      expect(answer.status, path).not.toBe(200);
      expect(answer.body, path).not.toContain('TOP-SECRET');
    }
  });

  it('says how to build the console when the renderer is not built', async () => {
    const empty = await startServer({ core: testCore.core, staticDir: join(root, 'not-built') });
    try {
      const answer = await send(empty.port, { path: '/' });
      expect(answer.status).toBe(503);
      expect(answer.body).toContain('npm run build:renderer');
    } finally {
      await empty.close();
    }
  });

  it('uses a given token and refuses a weak one', async () => {
    const fixed = await startServer({ core: testCore.core, staticDir, token: 'fixed-token-for-scripts' });
    try {
      expect(fixed.url).toMatch(/#token=fixed-token-for-scripts$/);
      expect((await send(fixed.port, { method: 'POST', path: '/api/app:info', body: '{}',
        headers: { Authorization: 'Bearer fixed-token-for-scripts' } })).status).toBe(200);
    } finally {
      await fixed.close();
    }
    await expect(startServer({ core: testCore.core, staticDir, token: 'short' })).rejects.toThrow(/at least 16/);
  });
});
