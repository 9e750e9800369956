import type { ConnectionRow } from '../../../electron/shared/domain.ts';

/** How a stamp's connection is described on its card: plain words, never the credential itself. */

export function kindText(row: Pick<ConnectionRow, 'kind'>): string {
  return row.kind === 'operator' ? 'Operator' : 'Tenant';
}

/** `AD FS`, or `Entra ID (contoso.onmicrosoft.com)`. */
export function signInText(row: Pick<ConnectionRow, 'authType' | 'tenantId'>): string {
  if (row.authType === 'adfs') return 'AD FS';
  return row.tenantId ? `Entra ID (${row.tenantId})` : 'Entra ID';
}

/** Where the credential lives, from the row's `secretSource` (`env:NAME`, `file:/path`, `session`, `protected`). */
function credentialSourceText(secretSource: string): string {
  if (secretSource.startsWith('env:')) return `environment variable ${secretSource.slice(4)}`;
  if (secretSource.startsWith('file:')) return `file ${secretSource.slice(5)}`;
  if (secretSource === 'session') return 'this session only (in memory)';
  if (secretSource === 'protected') return 'saved, encrypted by the operating system';
  return secretSource;
}

export function credentialText(row: Pick<ConnectionRow, 'credentialType' | 'secretSource'>): string {
  const type = row.credentialType === 'certificate' ? 'Certificate' : 'Client secret';
  return `${type}, ${credentialSourceText(row.secretSource)}`;
}

export function proxyText(row: Pick<ConnectionRow, 'proxy'>): string {
  return row.proxy ?? 'from the environment (HTTPS_PROXY, NO_PROXY)';
}

export function subscriptionLabel(row: Pick<ConnectionRow, 'kind'>): string {
  return row.kind === 'operator' ? 'Provider subscription' : 'Subscription';
}

export function subscriptionText(row: Pick<ConnectionRow, 'kind' | 'providerSubscriptionId'>): string {
  return row.providerSubscriptionId ?? (row.kind === 'tenant' ? 'all the principal can read' : 'not discovered yet');
}
