// The simulator's token service, shared by its AD FS and its Microsoft Entra ID token endpoints: OAuth2
// client-credentials sign-in for registered clients (a client secret, or a client assertion signed with a registered
// certificate's key), opaque bearer tokens that expire on the stamp's clock, and the bearer check every ARM route
// applies. Each dialect answers failures the way its real counterpart does (MSIS… or AADSTS… descriptions).

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AssertionKey, verifyClientAssertion, type AssertionFailure } from './client-assertion.ts';

/** A service principal the simulated stamp knows. */
export interface RegisteredClient {
  clientId: string;
  secret?: string;
  /** PEM of the client's certificate: client assertions signed with its private key are accepted. */
  certificatePem?: string;
  /**
   * A tenant principal with a role on this one tenant subscription only: it sees just that subscription and its usage.
   * Absent: an operator principal (the admin APIs and every subscription).
   */
  tenantSubscriptionId?: string;
}

export interface TokenServiceOptions {
  clients: readonly RegisteredClient[];
  audience: string;
  lifetimeSeconds: number;
  /** The stamp's clock, against which issued tokens expire. */
  now: () => Date;
  /** Real time (ms) for client assertions, which the client signs with its own clock; default Date.now. */
  wallClock?: () => number;
}

export type Dialect = 'adfs' | 'entra';

/** The token endpoint a request was posted to: its dialect, and its URL (the audience a client assertion names). */
export interface TokenEndpoint {
  dialect: Dialect;
  url: string;
}

export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

/** Who a bearer token was issued to. */
export interface Principal {
  clientId: string;
  tenantSubscriptionId: string | null;
}

export type BearerCheck = { ok: true; principal: Principal } | { ok: false; code: string; message: string };

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** An OAuth error body in the dialect's own words: `MSIS<n>: …` for AD FS, `AADSTS<n>: …` plus IDs for Entra ID. */
function oauthError(
  endpoint: TokenEndpoint, status: number, error: string, codes: { adfs: number; entra: number }, text: string,
): OAuthResult {
  if (endpoint.dialect === 'adfs') return { status, body: { error, error_description: `MSIS${codes.adfs}: ${text}` } };
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${codes.entra}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}` +
        `\r\nTimestamp: ${timestamp}`,
      error_codes: [codes.entra],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

const ASSERTION_CODES: Record<AssertionFailure, { adfs: number; entra: number }> = {
  malformed: { adfs: 9608, entra: 50027 },
  unknown_key: { adfs: 9614, entra: 700027 },
  signature: { adfs: 9614, entra: 700027 },
  subject: { adfs: 9608, entra: 700021 },
  audience: { adfs: 9608, entra: 700212 },
  time: { adfs: 9608, entra: 700024 },
};

interface Client extends RegisteredClient {
  key: AssertionKey | null;
}

export class TokenService {
  private readonly options: TokenServiceOptions;
  private readonly clients = new Map<string, Client>();
  private readonly tokens = new Map<string, { expiresAt: number; principal: Principal }>();
  private issued = 0;

  constructor(options: TokenServiceOptions) {
    this.options = options;
    for (const client of options.clients) {
      this.clients.set(client.clientId, {
        ...client,
        key: client.certificatePem ? new AssertionKey(client.certificatePem) : null,
      });
    }
  }

  /** How many tokens have been issued. */
  get tokensIssued(): number {
    return this.issued;
  }

  /** Invalidates every issued token (a revoked session, a signing-key rollover): the next ARM call answers 401. */
  revokeAll(): void {
    this.tokens.clear();
  }

  /**
   * Handles a token request: form fields from the body, the client authenticated by a client assertion, or by a
   * secret in the form (client_secret_post) or in an HTTP Basic header (client_secret_basic).
   */
  issue(form: URLSearchParams, authorization: string | undefined, endpoint: TokenEndpoint): OAuthResult {
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    if (authorization?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      return oauthError(endpoint, 400, 'unsupported_grant_type', { adfs: 9611, entra: 70003 },
        `The authorization server does not support the requested 'grant_type': '${grantType ?? ''}'.`);
    }
    if (!clientId) {
      return oauthError(endpoint, 400, 'invalid_request', { adfs: 9609, entra: 900144 },
        "The request body must contain the following parameter: 'client_id'.");
    }
    const client = this.clients.get(clientId);
    if (!client) {
      return endpoint.dialect === 'adfs'
        ? oauthError(endpoint, 401, 'invalid_client', { adfs: 9607, entra: 0 },
          "The 'client_id' parameter in the request is invalid. No registered client is found with this identifier.")
        : oauthError(endpoint, 400, 'unauthorized_client', { adfs: 0, entra: 700016 },
          `Application with identifier '${clientId}' was not found in the directory.`);
    }
    const refused = this.authenticate(client, form, clientSecret, endpoint);
    if (refused) return refused;
    const scope = form.get('scope');
    const resource = this.resource(form, endpoint);
    if ('status' in resource) return resource;
    if (resource.value.replace(/\/+$/, '') !== this.options.audience) {
      return oauthError(endpoint, 400, endpoint.dialect === 'adfs' ? 'invalid_resource' : 'invalid_scope',
        { adfs: 9602, entra: 500011 },
        `The resource principal named '${resource.value}' is not a relying party registered for this stamp.`);
    }
    const nowMs = this.options.now().getTime();
    this.forgetExpired(nowMs);
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      expiresAt: nowMs + this.options.lifetimeSeconds * 1000,
      principal: { clientId, tenantSubscriptionId: client.tenantSubscriptionId?.toLowerCase() ?? null },
    });
    this.issued++;
    const lifetime = this.options.lifetimeSeconds;
    return {
      status: 200,
      body: endpoint.dialect === 'adfs'
        ? { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, resource: this.options.audience,
          ...(scope ? { scope } : {}) }
        : { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    };
  }

  /** Checks the client's proof of identity; null when it holds, else the refusal. */
  private authenticate(
    client: Client, form: URLSearchParams, clientSecret: string | null, endpoint: TokenEndpoint,
  ): OAuthResult | null {
    const assertion = form.get('client_assertion');
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== JWT_BEARER) {
        return oauthError(endpoint, 400, 'invalid_request', { adfs: 9608, entra: 50027 },
          `The client_assertion_type must be '${JWT_BEARER}'.`);
      }
      if (!client.key) {
        return oauthError(endpoint, 401, 'invalid_client', { adfs: 9614, entra: 700027 },
          `Client assertion failed signature validation: no certificate is registered for '${client.clientId}'.`);
      }
      const wallSeconds = Math.floor((this.options.wallClock ?? Date.now)() / 1000);
      const check = verifyClientAssertion(assertion, client.key, client.clientId, endpoint.url, wallSeconds);
      if (!check.ok) {
        return oauthError(endpoint, 401, 'invalid_client', ASSERTION_CODES[check.failure], check.detail);
      }
      return null;
    }
    if (!clientSecret) {
      return oauthError(endpoint, 401, 'invalid_client', { adfs: 9622, entra: 7000218 },
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (!client.secret || !timingSafeEqual(digest(clientSecret), digest(client.secret))) {
      return oauthError(endpoint, 401, 'invalid_client', { adfs: 9622, entra: 7000215 },
        endpoint.dialect === 'adfs'
          ? 'Client authentication failed. Please verify the credential provided for client authentication is valid.'
          : `Invalid client secret provided for application '${client.clientId}'.`);
    }
    return null;
  }

  /** The requested resource: AD FS takes `resource` or a `<resource>/.default` scope, Entra ID v2 only the scope. */
  private resource(form: URLSearchParams, endpoint: TokenEndpoint): { value: string } | OAuthResult {
    const scope = form.get('scope');
    const resource = form.get('resource');
    if (endpoint.dialect === 'adfs') {
      const value = resource ?? (scope ? scope.replace(/\/\.default$/, '') : null);
      if (!value) {
        return oauthError(endpoint, 400, 'invalid_request', { adfs: 9609, entra: 0 },
          "The 'resource' parameter is missing from the request.");
      }
      return { value };
    }
    if (resource !== null && scope === null) {
      return oauthError(endpoint, 400, 'invalid_request', { adfs: 0, entra: 901002 },
        "The 'resource' request parameter is not supported.");
    }
    if (!scope?.endsWith('/.default')) {
      return oauthError(endpoint, 400, 'invalid_scope', { adfs: 0, entra: 1002012 },
        `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value ` +
          'with /.default suffixed to the resource identifier (application ID URI).');
    }
    return { value: scope.slice(0, -'/.default'.length) };
  }

  // Expired tokens are kept until the next sign-in so that a late request still gets the distinct "expired" answer.
  private forgetExpired(nowMs: number): void {
    for (const [token, { expiresAt }] of this.tokens) {
      if (expiresAt + 3_600_000 <= nowMs) this.tokens.delete(token);
    }
  }

  /** Checks an `Authorization` header on an ARM request and says whose token it is. */
  check(authorization: string | undefined): BearerCheck {
    if (!authorization) {
      return {
        ok: false,
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      };
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) {
      return {
        ok: false, code: 'InvalidAuthenticationToken', message: "The 'Authorization' header is not a bearer token.",
      };
    }
    const entry = this.tokens.get(match[1] as string);
    if (entry === undefined) {
      return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
    }
    if (entry.expiresAt <= this.options.now().getTime()) {
      return {
        ok: false,
        code: 'ExpiredAuthenticationToken',
        message: `The access token expired at ${new Date(entry.expiresAt).toISOString()}. Request a new token.`,
      };
    }
    return { ok: true, principal: entry.principal };
  }
}
