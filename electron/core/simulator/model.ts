// The shapes of the synthetic stamp: directory tenants, their subscriptions, the resources in them and the meter
// streams those resources emit. Built once from the seed by build-stamp.ts; read by stamp.ts and the server.

import type { Stream } from './streams.ts';

export interface StampTenant {
  tenantId: string;
  /** Company name, e.g. "Contoso". */
  name: string;
  /** Directory domain, e.g. "contoso.example". */
  domain: string;
  owner: string;
}

export interface StampSubscription {
  subscriptionId: string;
  displayName: string;
  owner: string;
  tenantId: string;
  offerName: string;
  offerId: string;
  state: 'Enabled';
}

export type ResourceKind =
  | 'virtualMachine'
  | 'managedDisk'
  | 'publicIp'
  | 'storageAccount'
  | 'sqlDatabase'
  | 'mySqlDatabase'
  | 'appServicePlan'
  | 'keyVault';

/** One resource as tests and the console see it (times in epoch ms; null = before the history / never). */
export interface StampResource {
  subscriptionId: string;
  kind: ResourceKind;
  name: string;
  resourceUri: string;
  /** First usage hour, or null when the resource existed before the stamp's history began. */
  createdMs: number | null;
  /** End of the last usage hour, or null when it still exists. */
  deletedMs: number | null;
  /** Deallocated outside 07:00–19:00 UTC on weekdays (VMs only): no compute usage then. */
  businessHoursOnly: boolean;
  meterIds: string[];
  /** The instanceData string exactly as sent. */
  instanceData: string;
}

/** JSON text pieces of one stream's records, prepared once so that a page is built by concatenation. */
export interface RecordFragments {
  /** `{"id":".../UsageAggregate/{sub}-{meter}",...,"usageStartTime":"` for the operator API (id under the provider). */
  adminHead: string;
  /** The same for the tenant API (id under the tenant's own subscription). */
  tenantHead: string;
  /** `","instanceData":"...","quantity":` */
  middle: string;
  /** `,"meterId":"...","name":"..."}}` */
  tail: string;
}

export interface SimResource {
  readonly info: StampResource;
  readonly subscriptionIndex: number;
  /** Per-resource hash key: decides the reporting lag of each usage hour. */
  readonly key: number;
  /** First absolute usage hour (never before the history origin). */
  readonly createdHour: number;
  /** First absolute hour without usage (Infinity while the resource lives). */
  readonly deletedHour: number;
  readonly businessHoursOnly: boolean;
  readonly streams: readonly Stream[];
  readonly fragments: readonly RecordFragments[];
}

export interface FabricNode {
  name: string;
  cores: number;
  memoryGB: number;
  serialNumber: string;
  bmcAddress: string;
}

export interface FabricModel {
  scaleUnitName: string;
  vendor: string;
  model: string;
  nodes: FabricNode[];
}

export interface FabricOptions {
  nodes?: number;
  coresPerNode?: number;
  memoryGBPerNode?: number;
}
