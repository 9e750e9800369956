import type { AuthType, CredentialType } from '../../shared/domain.ts';
import { createArmClient, type ArmClient, type ArmOptions } from './arm.ts';
import type { HttpClient } from './http.ts';
import { createTokenProvider, type ClientCredential, type TokenProvider } from './token.ts';

/** What a stored connection says about signing in to its stamp. */
export interface StampAccess {
  armEndpoint: string;
  authType: AuthType;
  loginEndpoint: string;
  audience: string;
  tenantId: string | null;
  clientId: string;
}

/**
 * Wraps a credential read from its source in the form the token provider takes. `where` is the source's description
 * (`env:NAME`, `file:/path`...), used in error messages instead of the credential.
 */
export function clientCredential(type: CredentialType, value: string, where: string): ClientCredential {
  return type === 'secret' ? { type: 'secret', secret: value } : { type: 'certificate', pem: value, where };
}

/**
 * A discovered stamp's sign-in and ARM client over the connection's HTTPS client (which carries its CA bundle and
 * proxy, and which the caller closes); `armOptions` tune the ARM client's retries. Throws at once when the credential
 * is unusable (e.g. a PEM without a matching key), before any request is made.
 */
export function connectStamp(
  http: HttpClient,
  access: StampAccess,
  credential: ClientCredential,
  armOptions?: ArmOptions,
): { tokens: TokenProvider; arm: ArmClient } {
  const tokens = createTokenProvider(http, {
    endpoints: access,
    clientId: access.clientId,
    tenantId: access.tenantId,
    credential,
  });
  return { tokens, arm: createArmClient(http, access.armEndpoint, tokens, armOptions) };
}
