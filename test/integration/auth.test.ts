import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '../../electron/core/azure/http.ts';
import { discoverEndpoints } from '../../electron/core/azure/metadata.ts';
import { connectStamp } from '../../electron/core/azure/stamp-client.ts';
import { listVisibleSubscriptions } from '../../electron/core/azure/subscriptions.ts';
import { createCore } from '../../electron/core/index.ts';
import {
  generateClientCertificate, startSimulator, SyntheticStamp, type ClientCertificatePem, type RunningSimulator,
} from '../../electron/core/simulator/index.ts';
import type { Core, Logger, SecretProtector } from '../../electron/core/types.ts';
import type { ConnectionInput, CredentialInput } from '../../electron/shared/domain.ts';

const SECRET = 'operator-Secret-0123456789';
const TENANT_SECRET = 'tenant-Secret-9876543210';
const NOW = new Date('2026-11-20T12:30:00Z');
const clock = { now: () => NOW };

let adfs: RunningSimulator;
let entra: RunningSimulator;
let cert: ClientCertificatePem;
let stranger: ClientCertificatePem;
let dir: string;
let certFile: string;
let tenantSubscription: string;
const cores: Core[] = [];

/** Log lines as the core writes them (JSON), kept to search for secrets. */
const logLines: string[] = [];
const capture: Logger = {
  info: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
  warn: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
  error: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
};

beforeAll(async () => {
  [cert, stranger] = await Promise.all([generateClientCertificate('sp-cert'), generateClientCertificate('stranger')]);
  const clients = (subscription: string) => [
    { clientId: 'cert-operator', certificatePem: cert.certPem },
    { clientId: 'tenant-reader', secret: TENANT_SECRET, tenantSubscriptionId: subscription },
  ];
  // Both stamps have seed 5, so the tenant principal's subscription exists on both.
  tenantSubscription = new SyntheticStamp({ seed: 5, now: clock.now }).subscriptions[1]!.subscriptionId;
  [adfs, entra] = await Promise.all([
    startSimulator({ clientSecret: SECRET, now: clock.now, seed: 5, clients: clients(tenantSubscription) }),
    startSimulator({
      clientSecret: SECRET, now: clock.now, seed: 5, identity: 'entra', clients: clients(tenantSubscription),
      directory: { tenantId: '6f1e0b9c-2d4a-4c8e-9a51-3b7d2e0f4a11', domain: 'operators.onmicrosoft.com' },
    }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-auth-'));
  certFile = join(dir, 'sp.pem');
  writeFileSync(certFile, cert.pem, { mode: 0o600 });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  vi.useRealTimers();
});
afterAll(async () => {
  await Promise.all([adfs.close(), entra.close()]);
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function openCore(options: { protector?: SecretProtector; file?: string } = {}): Core {
  const core = createCore({
    dbPath: join(dir, options.file ?? `cache-${++files}.sqlite`),
    clock,
    log: capture,
    env: { SIM_SECRET: SECRET, TENANT_SECRET, SP_PEM: cert.pem, STRANGER_PEM: stranger.pem },
    secretProtector: options.protector,
  });
  cores.push(core);
  return core;
}

const fromEnv = (variable: string, type: CredentialInput['type'] = 'secret'): CredentialInput =>
  ({ type, source: { kind: 'env', variable } });
const typed = (kind: 'session' | 'protected', value: string): CredentialInput =>
  ({ type: 'secret', source: { kind, value } });
const envSecret = fromEnv('SIM_SECRET');

/** Syncs `connection` over reported hours from 2026-11-19T00:00Z to `to` and returns the run. */
async function syncUntil(core: Core, connection: string, to: string) {
  const { runId } = await core['sync:start']({ connection, from: '2026-11-19', to, granularity: 'Hourly' });
  await core.waitForRun(runId);
  return (await core['sync:runs']()).find((r) => r.id === runId)!;
}

function input(sim: RunningSimulator, overrides: Partial<ConnectionInput> = {}): ConnectionInput {
  return { name: 'stamp', armEndpoint: sim.url, clientId: sim.clientId, credential: envSecret, caPem: sim.caPem, ...overrides };
}

/** AES-256-GCM under a key held by the test: stands in for the OS keyring behind Electron's safeStorage. */
function keyringProtector(key = randomBytes(32)): SecretProtector {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

describe('signing in to AD FS and Microsoft Entra ID', () => {
  it('signs in with a client secret and with a certificate on both, and records how', async () => {
    const core = openCore();
    const tenant = entra.identity.directory.domain;
    await core['connections:add'](input(adfs, { name: 'adfs-secret' }));
    await core['connections:add'](input(adfs, {
      name: 'adfs-cert', clientId: 'cert-operator', credential: { type: 'certificate', source: { kind: 'file', path: certFile } },
    }));
    await core['connections:add'](input(entra, { name: 'entra-secret', tenantId: tenant }));
    await core['connections:add'](input(entra, {
      name: 'entra-cert', clientId: 'cert-operator', tenantId: entra.identity.directory.tenantId,
      credential: fromEnv('SP_PEM', 'certificate'),
    }));
    const rows = await core['connections:list']();
    expect(rows.map((r) => [r.name, r.authType, r.tenantId, r.credentialType, r.secretSource])).toEqual([
      ['adfs-cert', 'adfs', null, 'certificate', `file:${certFile}`],
      ['adfs-secret', 'adfs', null, 'secret', 'env:SIM_SECRET'],
      ['entra-cert', 'entra', entra.identity.directory.tenantId, 'certificate', 'env:SP_PEM'],
      ['entra-secret', 'entra', tenant, 'secret', 'env:SIM_SECRET'],
    ]);
    expect(rows.find((r) => r.name === 'entra-secret')!.loginEndpoint).toBe(entra.url);
    expect(rows.every((r) => r.providerSubscriptionId === adfs.providerSubscriptionId)).toBe(true);
  });

  it('asks for the Entra ID directory by its field name, and names an unknown one', async () => {
    const core = openCore();
    await expect(core['connections:add'](input(entra))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/signs in through Microsoft Entra ID.*give tenantId \(CLI: --tenant/),
    });
    await expect(core['connections:add'](input(entra, { tenantId: 'elsewhere.onmicrosoft.com' }))).rejects.toMatchObject({
      code: 'API',
      message: expect.stringMatching(
        /did not serve its OpenID configuration .*AADSTS90002.*directory tenant "elsewhere\.onmicrosoft\.com"/,
      ),
    });
    expect(await core['connections:list']()).toEqual([]);
  });

  it('reports a certificate the stamp does not know, or a wrong secret, as refused sign-in in each dialect', async () => {
    const core = openCore();
    const strangerCert = fromEnv('STRANGER_PEM', 'certificate');
    const adfsAttempt = core['connections:add'](input(adfs, { clientId: 'cert-operator', credential: strangerCert }));
    await expect(adfsAttempt).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(
        /^AD FS at 127\.0\.0\.1:\d+ refused to sign in client "cert-operator" \(invalid_client: MSIS\d+: The key was not found.*its certificate/,
      ),
    });
    const entraAttempt = core['connections:add'](input(entra, {
      clientId: 'cert-operator', credential: strangerCert, tenantId: entra.identity.directory.domain,
    }));
    await expect(entraAttempt).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/^Microsoft Entra ID at .* refused .* \(invalid_client: AADSTS700027: .*\)\. Check/),
    });
    // Only the first line of Entra ID's description is kept; its trace and correlation IDs are noise to a user.
    await expect(entraAttempt).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('Trace ID') }));
    const wrongSecret = core['connections:add'](input(entra, {
      credential: fromEnv('TENANT_SECRET'), tenantId: entra.identity.directory.domain,
    }));
    await expect(wrongSecret).rejects.toMatchObject({ code: 'AUTH', message: expect.stringMatching(/AADSTS7000215/) });
    expect(await core['connections:list']()).toEqual([]);
  });

  it('adds a tenant connection that reads the subscriptions its principal sees, and refuses one it does not see', async () => {
    const core = openCore();
    const tenantInput = input(adfs, {
      kind: 'tenant', clientId: 'tenant-reader', credential: fromEnv('TENANT_SECRET'),
    });
    const all = await core['connections:add']({ ...tenantInput, name: 'all-mine' });
    expect(all).toMatchObject({ kind: 'tenant', providerSubscriptionId: null });
    const one = await core['connections:add']({ ...tenantInput, name: 'one', subscriptionId: tenantSubscription.toUpperCase() });
    expect(one.providerSubscriptionId).toBe(tenantSubscription);
    const other = adfs.stamp.subscriptions[0]!.subscriptionId;
    await expect(core['connections:add']({ ...tenantInput, name: 'other', subscriptionId: other })).rejects.toMatchObject({
      code: 'AUTH', message: expect.stringContaining(`does not see subscription ${other}`),
    });

    // Its sync reads the tenant usage API for that subscription alone.
    const run = await syncUntil(core, 'all-mine', '2026-11-19T06:00:00Z');
    expect(run).toMatchObject({ status: 'succeeded', subscribers: 1 });
    const reported = adfs.stamp.recordsForReportedRange(
      Date.parse('2026-11-19T00:00:00Z'), Date.parse('2026-11-19T06:00:00Z'), 'Hourly',
    );
    const expected = [...reported].filter((r) => r.subscriptionId === tenantSubscription).length;
    expect(run.records).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });
});

describe('tokens over a long sync', () => {
  async function signedIn(sim: RunningSimulator, clientId = sim.clientId, secret = SECRET) {
    const http = createHttpClient({ caPem: sim.caPem });
    const endpoints = await discoverEndpoints(http, sim.url);
    return { http, ...connectStamp(http, { ...endpoints, tenantId: null, clientId }, { type: 'secret', secret }) };
  }

  it('shows a tenant principal only its own subscription, and answers 403 for any other', async () => {
    const { http, arm } = await signedIn(adfs, 'tenant-reader', TENANT_SECRET);
    try {
      expect((await listVisibleSubscriptions(arm)).map((s) => s.subscriptionId)).toEqual([tenantSubscription]);
      const usage = (sub: string) =>
        `/subscriptions/${sub}/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview` +
        '&reportedStartTime=2026-11-19T00%3A00%3A00Z&reportedEndTime=2026-11-19T01%3A00%3A00Z&aggregationGranularity=Hourly';
      expect(JSON.parse(await arm.get(usage(tenantSubscription), 'own usage'))).toHaveProperty('value');
      const other = adfs.stamp.subscriptions[0]!.subscriptionId;
      await expect(arm.get(usage(other), 'other usage')).rejects.toMatchObject({
        code: 'AUTH', message: expect.stringContaining('HTTP 403 (AuthorizationFailed'),
      });
      const admin = `/subscriptions/${adfs.providerSubscriptionId}/providers/Microsoft.Subscriptions.Admin/subscriptions` +
        '?api-version=2015-11-01';
      await expect(arm.get(admin, 'admin')).rejects.toMatchObject({ code: 'AUTH' });
    } finally {
      await http.close();
    }
  });

  it('reuses the cached token, and fetches a new one once the cached one is within five minutes of expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    // The stamp's clock follows the (fake) system clock, so its tokens really expire after an hour.
    const sim = await startSimulator({ clientSecret: SECRET, now: () => new Date(), seed: 5 });
    const { http, tokens, arm } = await signedIn(sim);
    try {
      const first = await tokens.get();
      vi.advanceTimersByTime(54 * 60_000);
      expect(await tokens.get()).toBe(first);
      vi.advanceTimersByTime(2 * 60_000);
      const second = await tokens.get();
      expect(second).not.toBe(first);
      expect(sim.identity.tokensIssued).toBe(2);
      vi.advanceTimersByTime(10 * 60_000); // the first token has now expired at the stamp
      expect(JSON.parse(await arm.get('/subscriptions?api-version=2016-05-01', 'subscriptions'))).toHaveProperty('value');
      expect(sim.identity.tokensIssued).toBe(2);
    } finally {
      await http.close();
      await sim.close();
    }
  });

  it('signs in again once when the stamp answers 401 to a cached token', async () => {
    const { http, arm } = await signedIn(adfs);
    try {
      await arm.get('/subscriptions?api-version=2016-05-01', 'subscriptions');
      const issued = adfs.identity.tokensIssued;
      adfs.identity.revokeTokens();
      expect(JSON.parse(await arm.get('/subscriptions?api-version=2016-05-01', 'subscriptions'))).toHaveProperty('value');
      expect(adfs.identity.tokensIssued).toBe(issued + 1);
    } finally {
      await http.close();
    }
  });
});

describe('credentials at rest', () => {
  it('stores a typed credential encrypted in the desktop app, and refuses it where nothing can encrypt', async () => {
    const protector = keyringProtector();
    const desktop = openCore({ protector, file: 'desktop.sqlite' });
    expect((await desktop['app:info']()).canProtectSecrets).toBe(true);
    const row = await desktop['connections:add'](input(adfs, { credential: typed('protected', SECRET) }));
    expect(row.secretSource).toBe('protected');
    await desktop.close();
    cores.splice(0);
    expect(readFileSync(join(dir, 'desktop.sqlite')).includes(SECRET)).toBe(false);

    // After a restart, the same OS key decrypts it for a sync.
    const restarted = openCore({ protector, file: 'desktop.sqlite' });
    expect(await syncUntil(restarted, 'stamp', '2026-11-19T02:00:00Z')).toMatchObject({ status: 'succeeded' });

    // The CLI (no protector) can neither store such a credential nor read one.
    const cli = openCore({ file: 'desktop.sqlite' });
    expect((await cli['app:info']()).canProtectSecrets).toBe(false);
    await expect(Promise.resolve().then(() => cli['sync:start']({ connection: 'stamp', granularity: 'Hourly' })))
      .rejects.toMatchObject({ code: 'AUTH', message: expect.stringMatching(/only the desktop app can decrypt it/) });
    await expect(cli['connections:add'](input(adfs, { name: 'cli', credential: typed('protected', 'x') }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT', message: expect.stringMatching(/environment variable or an owner-only file/),
    });
  });

  it('writes neither a secret nor a private key to the cache or to any log line, through add and sync', async () => {
    logLines.length = 0;
    const core = openCore({ file: 'leak.sqlite' });
    await core['connections:add'](input(adfs, { name: 'secret-env' }));
    await core['connections:add'](input(adfs, { name: 'secret-session', credential: typed('session', SECRET) }));
    await core['connections:add'](input(adfs, {
      name: 'cert-file', clientId: 'cert-operator', credential: { type: 'certificate', source: { kind: 'file', path: certFile } },
    }));
    await core['connections:add'](input(entra, {
      name: 'cert-env', clientId: 'cert-operator', tenantId: entra.identity.directory.domain,
      credential: fromEnv('SP_PEM', 'certificate'),
    }));
    for (const connection of ['secret-env', 'secret-session', 'cert-file', 'cert-env']) {
      await syncUntil(core, connection, '2026-11-19T03:00:00Z');
    }
    expect((await core['sync:runs']()).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    await core.close();
    cores.splice(0);

    // Every 64-character line of the key's base64 body, the key as one string, and the secrets.
    const keyLines = cert.keyPem.split('\n').filter((l) => l.length === 64);
    const needles = [SECRET, ...keyLines, keyLines.join('')];
    expect(keyLines.length).toBeGreaterThan(10);
    const cacheFiles = ['leak.sqlite', 'leak.sqlite-wal', 'leak.sqlite-journal'].map((f) => join(dir, f)).filter(existsSync);
    for (const file of cacheFiles) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect(bytes.includes(needle), `${file} holds a credential`).toBe(false);
    }
    expect(logLines.length).toBeGreaterThan(4);
    for (const line of logLines) {
      for (const needle of needles) {
        expect(line.includes(needle), `log line holds a credential: ${line.slice(0, 80)}`).toBe(false);
      }
    }
  });
});
