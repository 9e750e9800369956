import type * as connections from '../../electron/core/cache/connections.ts';

/**
 * An operator stamp as the cache stores it, named `name`, for tests that insert connections directly; `overrides`
 * changes any of its fields.
 */
export const stampConnection = (
  name: string,
  overrides: Partial<connections.NewConnection> = {},
): connections.NewConnection & { createdAt: string } => ({
  name,
  armEndpoint: `https://adminmanagement.${name}.example`,
  kind: 'operator',
  authType: 'adfs',
  loginEndpoint: `https://adfs.${name}.example/adfs`,
  audience: `https://adminmanagement.adfs.${name}.example/abc`,
  tenantId: null,
  clientId: 'client',
  credentialType: 'secret',
  secretSource: 'env:STACK_SECRET',
  secretBlob: null,
  caPem: null,
  proxy: null,
  providerSubscriptionId: '39c82aed-b2b7-4a66-abdb-611de00bf11e',
  createdAt: '2026-01-05T10:00:00.123Z',
  ...overrides,
});
