// An Azure Stack Hub simulator: the operator and tenant usage APIs, subscriptions, fabric capacity and sign-in (AD FS
// or Microsoft Entra ID, client secrets and certificates) over HTTPS on 127.0.0.1, serving a deterministic synthetic
// stamp. Used in-process by tests and the bench and by the CLI's demo mode. Plain Node: no Electron.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TokenService, type RegisteredClient } from './adfs.ts';
import { IdentityEndpoints, type Directory, type IdentityMode } from './identity.ts';
import type { FabricOptions } from './model.ts';
import type { FaultProfile } from './faults.ts';
import { createRequestHandler, type SimulatorFaults, type SimulatorStats } from './server.ts';
import { SyntheticStamp } from './stamp.ts';
import { generatePki } from './tls.ts';

export { SyntheticStamp } from './stamp.ts';
export type { StampOptions, StampRecord } from './stamp.ts';
export type {
  FabricModel, FabricNode, FabricOptions, ResourceKind, StampResource, StampSubscription, StampTenant,
} from './model.ts';
export type { SimulatorFaults, SimulatorStats } from './server.ts';
export { METERS } from './catalog.ts';
export { USAGE_API_VERSION } from './usage-api.ts';
export { FAULT_PROFILES, faultRates, isFaultProfile, NO_FAULTS, type FaultProfile, type FaultRates } from './faults.ts';
export type { RegisteredClient } from './adfs.ts';
export type { Directory, IdentityMode } from './identity.ts';
export { generateClientCertificate, type ClientCertificatePem } from './tls.ts';

export interface SimulatorOptions {
  /** 0 = ephemeral (default). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Directory tenants, each with 1–3 subscriptions; default 6. */
  tenants?: number;
  /** Multiplies the resources per subscription (the bench uses e.g. 20); default 1. */
  scale?: number;
  /** The operator principal that signs in with `clientSecret`; default 'stackmeter-demo'. */
  clientId?: string;
  clientSecret: string;
  /** More service principals: certificate clients, tenant principals bound to one subscription. */
  clients?: readonly RegisteredClient[];
  /**
   * How the stamp signs in: 'adfs' (default; a disconnected stamp, login endpoint {url}/adfs) or 'entra' (Microsoft
   * Entra ID; login endpoint {url}/, token requests name a directory: `directory` or any tenant directory of the stamp).
   */
  identity?: IdentityMode;
  /** The operator's Entra ID directory; default a random GUID and stackmeter-sim.onmicrosoft.com. */
  directory?: Directory;
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  /** The stamp's clock (default real time); usage exists up to the last whole hour before now. */
  now?: () => Date;
  /** How far back the stamp has usage; default 62. */
  historyDays?: number;
  /** Records per usage page; default 1000 (as the real API). */
  pageSize?: number;
  /** Scale-unit nodes and their capacity; default 4 nodes × 48 cores. */
  fabric?: FabricOptions;
  /**
   * Failures to inject: a fault profile by name (e.g. 'flaky'), or the full settings; can also be changed later through
   * `RunningSimulator.faults`.
   */
  faults?: SimulatorFaults | FaultProfile;
  /** Tenant subscriptions deleted at a point in time (usage stops, lists drop them, their own queries are refused). */
  deletedSubscriptions?: ReadonlyArray<{ subscriptionId: string; at: Date }>;
}

export interface RunningSimulator {
  /** https://127.0.0.1:<port>: the ARM endpoint; admin and tenant APIs and AD FS all live on it. */
  url: string;
  /** PEM of the generated CA; clients must trust it explicitly (added to the system roots). */
  caPem: string;
  providerSubscriptionId: string;
  clientId: string;
  /** The model, so tests can compute expectations. */
  stamp: SyntheticStamp;
  /** Mutable: set or clear injected failures while the simulator runs. */
  faults: SimulatorFaults;
  /** Counters of what has been served. */
  stats: SimulatorStats;
  /** How the stamp signs in, and control over issued tokens. */
  identity: SimulatorIdentity;
  close(): Promise<void>;
}

export interface SimulatorIdentity {
  mode: IdentityMode;
  /** What the ARM metadata advertises: {url}/adfs (AD FS) or {url}/ (Entra ID). */
  loginEndpoint: string;
  /** The operator's Entra ID directory (used in 'entra' mode). */
  directory: Directory;
  /** Tokens issued so far, by every token endpoint. */
  readonly tokensIssued: number;
  /** Invalidates every issued token, as a revoked session would: the next ARM request answers 401. */
  revokeTokens(): void;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  if (!options.clientSecret) throw new Error('startSimulator: clientSecret is required');
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new Error(`startSimulator: pageSize must be a positive integer, not ${pageSize}`);
  }
  const clientId = options.clientId ?? 'stackmeter-demo';
  const stamp = new SyntheticStamp({
    seed: options.seed,
    tenants: options.tenants,
    scale: options.scale,
    historyDays: options.historyDays,
    now,
    fabric: options.fabric,
  });
  // Certificates are valid around the real time: TLS clients check them against their own clock, not the stamp's.
  const pki = await generatePki();
  const tokens = new TokenService({
    clients: [{ clientId, secret: options.clientSecret }, ...(options.clients ?? [])],
    audience: stamp.audience,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    now,
  });
  const faults: SimulatorFaults = typeof options.faults === 'string' ? { profile: options.faults } : { ...options.faults };
  for (const d of options.deletedSubscriptions ?? []) stamp.deleteSubscription(d.subscriptionId, d.at);
  const stats: SimulatorStats = { requests: 0, usageRequests: 0, usagePages: 0, usageRecords: 0 };
  const directory = options.directory ?? { tenantId: randomUUID(), domain: 'stackmeter-sim.onmicrosoft.com' };
  const identity = new IdentityEndpoints(
    options.identity ?? 'adfs',
    [directory, ...stamp.tenants.map((t) => ({ tenantId: t.tenantId, domain: t.domain }))],
    (): string => ctx.url,
  );
  const ctx = { url: '', stamp, tokens, identity, pageSize, faults, stats };
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, createRequestHandler(ctx));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  ctx.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: ctx.url,
    caPem: pki.caPem,
    providerSubscriptionId: stamp.providerSubscriptionId,
    clientId,
    stamp,
    faults,
    stats,
    identity: {
      mode: identity.mode,
      loginEndpoint: identity.loginEndpoint,
      directory,
      get tokensIssued() {
        return tokens.tokensIssued;
      },
      revokeTokens: () => tokens.revokeAll(),
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive connections would hold close() open until they time out.
      server.closeAllConnections();
    }),
  };
}
