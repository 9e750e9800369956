import { AuthError, ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { StackmeterError } from '../../shared/result.ts';
import { parseClientCertificate } from './client-certificate.ts';
import type { HttpClient } from './http.ts';
import type { StampEndpoints } from './metadata.ts';
import { MsalNetwork } from './msal-network.ts';

export interface TokenProvider {
  /** A valid bearer token: msal's cached one, or a new one when none is cached or it is within 5 minutes of expiry. */
  get(signal?: AbortSignal): Promise<string>;
  /** The API refused the token (401): the next get() signs in again instead of using the cache. */
  invalidate(): void;
}

/** The service principal's proof of identity, resolved from its source just before use. */
export type ClientCredential =
  | { type: 'secret'; secret: string }
  /** A PEM with the certificate and its private key; `where` names its source for error messages. */
  | { type: 'certificate'; pem: string; where: string };

export interface SignInTarget {
  endpoints: StampEndpoints;
  clientId: string;
  /** The Microsoft Entra ID directory (GUID or domain); required for Entra ID, ignored for AD FS. */
  tenantId: string | null;
  credential: ClientCredential;
}

/** The error for an Entra ID stamp added without its directory; names the field and the CLI option. */
export function missingTenantError(endpoints: StampEndpoints): StackmeterError {
  return new StackmeterError(
    'INVALID_ARGUMENT',
    `${endpoints.armEndpoint} signs in through Microsoft Entra ID (${endpoints.loginEndpoint}), which needs the ` +
      'directory tenant: give tenantId (CLI: --tenant <GUID or domain>), e.g. contoso.onmicrosoft.com.',
  );
}

/**
 * The msal authority. AD FS: the login endpoint itself (msal's ADFS authority type, recognised by the /adfs path).
 * Entra ID: the login endpoint plus the directory tenant. In both cases msal reads the OpenID configuration from
 * the authority (AD FS: {authority}/.well-known/openid-configuration; Entra ID:
 * {authority}/v2.0/.well-known/openid-configuration) through our network module.
 */
export function authorityFor(endpoints: StampEndpoints, tenantId: string | null): string {
  if (endpoints.authType === 'adfs') return endpoints.loginEndpoint;
  if (!tenantId) throw missingTenantError(endpoints);
  return `${endpoints.loginEndpoint}/${encodeURIComponent(tenantId)}`;
}

function providerName(endpoints: StampEndpoints): string {
  return endpoints.authType === 'adfs' ? 'AD FS' : 'Microsoft Entra ID';
}

function msalConfiguration(target: SignInTarget, network: MsalNetwork): Configuration {
  const { endpoints, credential } = target;
  const authority = authorityFor(endpoints, target.tenantId);
  const auth: Configuration['auth'] = {
    clientId: target.clientId,
    authority,
    // The stamp's own login host is trusted as it is: msal never asks the public cloud's instance discovery about it,
    // which a disconnected stamp could not reach (and should not leak its host names to).
    knownAuthorities: [new URL(authority).host],
  };
  if (credential.type === 'secret') {
    auth.clientSecret = credential.secret;
  } else {
    const cert = parseClientCertificate(credential.pem, credential.where);
    // AD FS identifies the certificate by its SHA-1 thumbprint (x5t, RS256), which every AD FS version accepts;
    // Entra ID gets the SHA-256 thumbprint (x5t#S256, PS256). x5c carries the chain for subject-name/issuer trust.
    auth.clientCertificate = endpoints.authType === 'adfs'
      ? { thumbprint: cert.thumbprintSha1, privateKey: cert.privateKeyPem, x5c: cert.chainPem }
      : { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem, x5c: cert.chainPem };
  }
  return { auth, system: { networkClient: network } };
}

/** The first line of an OAuth error description (Entra ID appends trace and correlation IDs on further lines). */
function oauthReason(body: Record<string, unknown>, status: number): string {
  const error = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
  const description = typeof body.error_description === 'string' ? body.error_description.split(/\r?\n/)[0] : '';
  return description ? `${error}: ${description}` : error;
}

/** Words msal's failure from what the network module saw, so the user learns which endpoint said what. */
function signInError(err: unknown, network: MsalNetwork, target: SignInTarget): StackmeterError {
  if (err instanceof StackmeterError) return err;
  if (network.failure) return network.failure;
  const { endpoints, clientId } = target;
  const provider = providerName(endpoints);
  const host = new URL(endpoints.loginEndpoint).host;
  const refused = network.exchanges.findLast((e) => e.method === 'POST' && (e.status >= 400 || 'error' in e.body));
  if (refused) {
    const what = target.credential.type === 'secret' ? 'its secret' : 'its certificate';
    return new StackmeterError(
      'AUTH',
      `${provider} at ${host} refused to sign in client "${clientId}" (${oauthReason(refused.body, refused.status)}). ` +
        `Check the client ID and ${what}, and that the service principal has access to the stamp.`,
    );
  }
  const discovery = network.exchanges.findLast((e) => e.method === 'GET' && e.status !== 200);
  if (discovery) {
    const tenant = endpoints.authType === 'entra' ? ` and the directory tenant "${target.tenantId}"` : '';
    return new StackmeterError(
      'API',
      `${provider} at ${host} did not serve its OpenID configuration (${discovery.url}: ` +
        `${oauthReason(discovery.body, discovery.status)}). Check the login endpoint (${endpoints.loginEndpoint})${tenant}.`,
    );
  }
  const detail = err instanceof AuthError ? `${err.errorCode}: ${err.errorMessage}` : String(err);
  return new StackmeterError('AUTH', `Signing in client "${clientId}" to ${provider} at ${host} failed (${detail}).`, {
    cause: err,
  });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = () => new StackmeterError('CANCELLED', 'Signing in was cancelled.');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Service-principal sign-in (OAuth2 client credentials) through msal-node, with a client secret or a certificate
 * (a client assertion signed with its private key), against AD FS or Microsoft Entra ID as the stamp's metadata says.
 * The scope is the metadata's audience + `/.default`. msal keeps the token in memory and fetches a new one once it is
 * within 5 minutes of expiry, so a long sync never sends an expired token; invalidate() makes the next get() skip the
 * cache. Concurrent get() calls share one sign-in.
 */
export function createTokenProvider(http: HttpClient, target: SignInTarget): TokenProvider {
  const network = new MsalNetwork(http);
  let app: ConfidentialClientApplication;
  try {
    app = new ConfidentialClientApplication(msalConfiguration(target, network));
  } catch (err) {
    throw signInError(err, network, target);
  }
  const scopes = [`${target.endpoints.audience.replace(/\/+$/, '')}/.default`];
  let pending: Promise<string> | null = null;
  let forceRefresh = false;

  async function acquire(skipCache: boolean): Promise<string> {
    network.begin();
    let result;
    try {
      result = await app.acquireTokenByClientCredential({ scopes, skipCache });
    } catch (err) {
      throw signInError(err, network, target);
    }
    if (!result?.accessToken) {
      throw new StackmeterError('AUTH', `${providerName(target.endpoints)} answered the sign-in of client ` +
        `"${target.clientId}" without an access token.`);
    }
    return result.accessToken;
  }

  return {
    get(signal) {
      if (!pending) {
        const skipCache = forceRefresh;
        forceRefresh = false;
        pending = acquire(skipCache).finally(() => {
          pending = null;
        });
      }
      return signal ? abortable(pending, signal) : pending;
    },
    invalidate() {
      forceRefresh = true;
    },
  };
}
