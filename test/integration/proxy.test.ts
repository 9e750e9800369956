import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/index.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { ConnectionInput } from '../../electron/shared/domain.ts';

const SECRET = 'proxy-test-secret';
const NOW = new Date('2026-11-20T12:30:00Z');
const clock = { now: () => NOW };
const quiet = { info() {}, warn() {}, error() {} };

/**
 * A minimal forward proxy for HTTPS: it answers CONNECT host:port by opening a TCP tunnel (it never sees inside the
 * TLS), counts the tunnels, and can be told to refuse them, as a proxy whose policy forbids the destination would.
 */
interface TunnelProxy {
  url: string;
  tunnels: string[];
  refuse: boolean;
  close(): Promise<void>;
}

async function startTunnelProxy(): Promise<TunnelProxy> {
  const sockets = new Set<Socket>();
  const proxy: TunnelProxy = { url: '', tunnels: [], refuse: false, close: async () => {} };
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    if (proxy.refuse) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    proxy.tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return proxy;
}

let sim: RunningSimulator;
let proxy: TunnelProxy;
let dir: string;
const cores: Core[] = [];

beforeAll(async () => {
  [sim, proxy] = await Promise.all([startSimulator({ clientSecret: SECRET, now: clock.now, seed: 3 }), startTunnelProxy()]);
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-proxy-'));
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  proxy.tunnels.length = 0;
  proxy.refuse = false;
});
afterAll(async () => {
  await Promise.all([sim.close(), proxy.close()]);
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function openCore(env: Record<string, string> = {}): Core {
  const dbPath = join(dir, `cache-${++files}.sqlite`);
  const core = createCore({ dbPath, clock, log: quiet, env: { SIM_SECRET: SECRET, ...env } });
  cores.push(core);
  return core;
}

function input(overrides: Partial<ConnectionInput> = {}): ConnectionInput {
  return {
    name: 'stamp', armEndpoint: sim.url, clientId: sim.clientId, caPem: sim.caPem,
    credential: { type: 'secret', source: { kind: 'env', variable: 'SIM_SECRET' } }, ...overrides,
  };
}

async function sync(core: Core) {
  const request = { connection: 'stamp', from: '2026-11-19', to: '2026-11-19T04:00:00Z', granularity: 'Hourly' } as const;
  const { runId } = await core['sync:start'](request);
  await core.waitForRun(runId);
  return (await core['sync:runs']()).find((r) => r.id === runId)!;
}

const stampHost = () => new URL(sim.url).host;

describe('reaching the stamp through a proxy', () => {
  it('signs in and reads usage through the connection\'s proxy, with the stamp\'s CA applied inside the tunnel', async () => {
    const core = openCore();
    const row = await core['connections:add'](input({ proxy: proxy.url }));
    expect(row.proxy).toBe(proxy.url);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([stampHost()]));

    const before = proxy.tunnels.length;
    const run = await sync(core);
    expect(run.status).toBe('succeeded');
    expect(run.records).toBeGreaterThan(0);
    expect(proxy.tunnels.length).toBeGreaterThan(before);

    // Nothing bypasses it: with the proxy refusing, the sync cannot reach the stamp, and says which proxy is in the way.
    proxy.refuse = true;
    const refused = await sync(core);
    expect(refused.status).toBe('failed');
    expect(refused.errorCode).toBe('NETWORK');
    expect(refused.error).toContain(`the connection's proxy ${proxy.url}`);
  });

  it('uses HTTPS_PROXY when the connection names none, and NO_PROXY bypasses it', async () => {
    const proxied = openCore({ HTTPS_PROXY: proxy.url });
    await proxied['connections:add'](input());
    expect(proxy.tunnels).toContain(stampHost());
    expect((await sync(proxied)).status).toBe('succeeded');

    proxy.tunnels.length = 0;
    proxy.refuse = true; // a request that reached the proxy now would fail
    const bypassed = openCore({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    await bypassed['connections:add'](input());
    expect((await sync(bypassed)).status).toBe('succeeded');
    expect(proxy.tunnels).toEqual([]);
  });

  it('never stores proxy credentials, and never shows those of HTTPS_PROXY in an error', async () => {
    const core = openCore({ HTTPS_PROXY: 'http://ops:Pr0xyPass@127.0.0.1:9' });
    await expect(core['connections:add'](input({ proxy: 'http://ops:Pr0xyPass@proxy.corp:3128' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT', message: expect.stringMatching(/user name or password.*HTTPS_PROXY/),
    });
    const attempt = core['connections:add'](input());
    await expect(attempt).rejects.toMatchObject({
      code: 'NETWORK', message: expect.stringContaining('http://127.0.0.1:9 (HTTPS_PROXY'),
    });
    await expect(attempt).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('Pr0xyPass') }));
  });
});
