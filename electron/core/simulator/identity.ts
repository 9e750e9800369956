// Where the simulated stamp signs in: AD FS (a disconnected stamp: the login endpoint is {url}/adfs) or Microsoft
// Entra ID (a connected stamp: the login endpoint is the identity host itself and every request names a directory,
// {url}/{tenant}/...). The routes are those msal-node requests for each authority type: the OpenID configuration
// ({authority}/.well-known/openid-configuration for AD FS, {authority}/v2.0/.well-known/openid-configuration for
// Entra ID) and the token endpoint it names. Also the tenant-principal rule of ARM: a principal with a role on one
// tenant subscription sees only that subscription.

import type { OAuthResult, Principal, TokenEndpoint } from './adfs.ts';
import type { SyntheticStamp } from './stamp.ts';

export type IdentityMode = 'adfs' | 'entra';

/** A Microsoft Entra ID directory the simulated identity host knows, by GUID and by domain. */
export interface Directory {
  tenantId: string;
  domain: string;
}

const ADFS_OPENID = '/adfs/.well-known/openid-configuration';
const ADFS_TOKEN = '/adfs/oauth2/token';
const ENTRA_OPENID = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const ENTRA_TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;

export class IdentityEndpoints {
  readonly mode: IdentityMode;
  /** The operator's directory first, then every tenant directory of the stamp (Entra ID only). */
  readonly directories: readonly Directory[];
  private readonly baseUrl: () => string;

  constructor(mode: IdentityMode, directories: readonly Directory[], baseUrl: () => string) {
    this.mode = mode;
    this.directories = directories;
    this.baseUrl = baseUrl;
  }

  /** What the ARM metadata advertises as authentication.loginEndpoint. */
  get loginEndpoint(): string {
    return this.mode === 'adfs' ? `${this.baseUrl()}/adfs` : `${this.baseUrl()}/`;
  }

  private directory(segment: string): Directory | undefined {
    const wanted = decodeURIComponent(segment).toLowerCase();
    return this.directories.find((d) => d.tenantId.toLowerCase() === wanted || d.domain.toLowerCase() === wanted);
  }

  private unknownDirectory(segment: string): OAuthResult {
    return {
      status: 400,
      body: {
        error: 'invalid_tenant',
        error_description: `AADSTS90002: Tenant '${decodeURIComponent(segment)}' not found. Check to make sure you ` +
          'have the correct tenant ID and are signing into the correct cloud.',
        error_codes: [90002],
      },
    };
  }

  /** The OpenID configuration served at `pathname` (GET), an error for an unknown directory, or null: not a route. */
  openIdConfiguration(pathname: string): OAuthResult | null {
    const url = this.baseUrl();
    if (this.mode === 'adfs') {
      if (pathname.toLowerCase() !== ADFS_OPENID) return null;
      return {
        status: 200,
        body: {
          issuer: `${url}/adfs`,
          token_endpoint: `${url}${ADFS_TOKEN}`,
          authorization_endpoint: `${url}/adfs/oauth2/authorize`,
          jwks_uri: `${url}/adfs/discovery/keys`,
          grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
          token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256'],
          response_types_supported: ['token'],
        },
      };
    }
    const match = ENTRA_OPENID.exec(pathname);
    if (!match) return null;
    const directory = this.directory(match[1] as string);
    if (!directory) return this.unknownDirectory(match[1] as string);
    const base = `${url}/${directory.tenantId}`;
    return {
      status: 200,
      body: {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        tenant_region_scope: null,
        cloud_instance_name: new URL(url).host,
      },
    };
  }

  /**
   * The token endpoint at `pathname` (its URL is what a client assertion must name as its audience), an error for an
   * unknown directory, or null: not a route.
   */
  tokenEndpoint(pathname: string): TokenEndpoint | OAuthResult | null {
    const url = `${this.baseUrl()}${pathname}`;
    if (this.mode === 'adfs') return pathname.toLowerCase() === ADFS_TOKEN ? { dialect: 'adfs', url } : null;
    const match = ENTRA_TOKEN.exec(pathname);
    if (!match) return null;
    return this.directory(match[1] as string) ? { dialect: 'entra', url } : this.unknownDirectory(match[1] as string);
  }
}

/**
 * For a tenant principal: the answer ARM gives outside its one subscription (403 AuthorizationFailed), or its
 * subscription list for GET /subscriptions. Null when the request is routed as usual. `segments` is the lower-cased
 * path split on '/': ['', 'subscriptions', <id>, ...].
 */
export function tenantPrincipalAnswer(
  principal: Principal, stamp: SyntheticStamp, segments: readonly string[],
): { status: number; body: object } | null {
  const own = principal.tenantSubscriptionId;
  if (!own) return null;
  if (segments.length === 2) {
    return {
      status: 200,
      body: {
        value: stamp.subscriptions.filter((s) => s.subscriptionId.toLowerCase() === own).map((s) => ({
          id: `/subscriptions/${s.subscriptionId}`,
          subscriptionId: s.subscriptionId,
          tenantId: s.tenantId,
          displayName: s.displayName,
          offerId: s.offerId,
          state: s.state,
          subscriptionPolicies: { locationPlacementId: 'AzureStack' },
        })),
      },
    };
  }
  const sub = segments[2] ?? '';
  if (sub === own) return null;
  return {
    status: 403,
    body: {
      error: {
        code: 'AuthorizationFailed',
        message: `The client '${principal.clientId}' with object id '${principal.clientId}' does not have ` +
          `authorization to perform action 'Microsoft.Commerce/UsageAggregates/read' over scope '/subscriptions/${sub}' ` +
          'or the scope is invalid. If access was recently granted, please refresh your credentials.',
      },
    },
  };
}
