import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateClientCertificate, startSimulator, SyntheticStamp, type RunningSimulator,
} from '../../electron/core/simulator/index.ts';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');
const SECRET = 'cli-auth-secret';
const TENANT_SECRET = 'cli-tenant-secret';

let adfs: RunningSimulator;
let entra: RunningSimulator;
let dir: string;
let caFile: string;
let entraCaFile: string;
let certFile: string;
let secretFile: string;

async function stackmeter(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--db', join(dir, 'cli.sqlite')], {
      env: { ...process.env, CLI_SECRET: SECRET },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  const cert = await generateClientCertificate('cli-sp');
  // A tenant principal bound to one of the stamp's subscriptions (the seed decides which exist).
  const subscription = new SyntheticStamp({ seed: 9 }).subscriptions[0]!.subscriptionId;
  adfs = await startSimulator({
    clientSecret: SECRET, seed: 9, clients: [
      { clientId: 'cert-operator', certificatePem: cert.certPem },
      { clientId: 'tenant-reader', secret: TENANT_SECRET, tenantSubscriptionId: subscription },
    ],
  });
  entra = await startSimulator({ clientSecret: SECRET, seed: 9, identity: 'entra' });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-auth-cli-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, adfs.caPem);
  entraCaFile = join(dir, 'entra-ca.pem');
  writeFileSync(entraCaFile, entra.caPem);
  certFile = join(dir, 'sp.pem');
  writeFileSync(certFile, cert.pem, { mode: 0o600 });
  secretFile = join(dir, 'tenant-secret.txt');
  writeFileSync(secretFile, `${TENANT_SECRET}\n`, { mode: 0o644 });
});
afterAll(async () => {
  await Promise.all([adfs.close(), entra.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('stackmeter connect add: credentials, tenants and directories', () => {
  it('adds a stamp with a certificate file, and lists how it signs in', async () => {
    const add = await stackmeter(['connect', 'add', 'cert', '--arm', adfs.url, '--client-id', 'cert-operator',
      '--certificate-file', certFile, '--ca', caFile]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain(`signs in through AD FS (${adfs.url}/adfs) with a certificate from file:${certFile}`);
    const list = await stackmeter(['connect', 'list']);
    expect(list.stdout).toMatch(new RegExp(`cert +operator .*AD FS +certificate file:${certFile}`));
  });

  it('refuses a secret file others can read until it is chmod 600, then adds a tenant connection', async () => {
    const args = ['connect', 'add', 'tenant', '--kind', 'tenant', '--arm', adfs.url, '--client-id', 'tenant-reader',
      '--client-secret-file', secretFile, '--ca', caFile];
    const open = await stackmeter(args);
    expect(open.code).toBe(3);
    expect(open.stderr).toContain(`chmod 600 ${secretFile}`);
    chmodSync(secretFile, 0o600);
    const add = await stackmeter(args);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('reads every subscription it sees');
  });

  it('wants exactly one credential, the directory of an Entra ID stamp, and a proxy without a password', async () => {
    const base = ['connect', 'add', 'x', '--arm', entra.url, '--client-id', entra.clientId, '--ca', entraCaFile];
    const none = await stackmeter(base);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--client-secret-env, --client-secret-file, --certificate-env, --certificate-file/);
    const two = await stackmeter([...base, '--client-secret-env', 'CLI_SECRET', '--certificate-file', certFile]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('Give only one credential; got --client-secret-env and --certificate-file');
    const noTenant = await stackmeter([...base, '--client-secret-env', 'CLI_SECRET']);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toMatch(/Microsoft Entra ID .*--tenant/);
    const proxied = await stackmeter([...base, '--client-secret-env', 'CLI_SECRET', '--proxy', 'http://me:pw@proxy.corp:3128']);
    expect(proxied.code).toBe(2);
    expect(proxied.stderr).toMatch(/user name or password/);
    const added = await stackmeter([...base, '--client-secret-env', 'CLI_SECRET', '--tenant', entra.identity.directory.domain]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Microsoft Entra ID (directory ${entra.identity.directory.domain})`);
  });
});
