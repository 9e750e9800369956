// An Azure Stack Hub simulator: the operator and tenant usage APIs, subscriptions, fabric capacity and an AD FS token
// endpoint over HTTPS on 127.0.0.1, serving a deterministic synthetic stamp. Used in-process by tests and the bench and
// by the CLI's demo mode. Plain Node: no Electron.

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TokenService } from './adfs.ts';
import type { FabricOptions } from './model.ts';
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

export interface SimulatorOptions {
  /** 0 = ephemeral (default). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Directory tenants, each with 1–3 subscriptions; default 6. */
  tenants?: number;
  /** Multiplies the resources per subscription (the bench uses e.g. 20); default 1. */
  scale?: number;
  /** Default 'stackmeter-demo'. */
  clientId?: string;
  clientSecret: string;
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
  /** Failures to inject; can also be changed later through `RunningSimulator.faults`. */
  faults?: SimulatorFaults;
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
  close(): Promise<void>;
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
    clientId,
    clientSecret: options.clientSecret,
    audience: stamp.audience,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    now,
  });
  const faults: SimulatorFaults = { ...options.faults };
  const stats: SimulatorStats = { requests: 0, usageRequests: 0, usagePages: 0, usageRecords: 0 };
  const ctx = { url: '', stamp, tokens, pageSize, faults, stats };
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
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive connections would hold close() open until they time out.
      server.closeAllConnections();
    }),
  };
}
