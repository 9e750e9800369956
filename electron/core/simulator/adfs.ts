// The simulator's AD FS: OAuth2 client-credentials sign-in for one registered client, issuing opaque bearer tokens that
// expire on the stamp's clock, and the bearer check every ARM route applies.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenServiceOptions {
  clientId: string;
  clientSecret: string;
  audience: string;
  lifetimeSeconds: number;
  now: () => Date;
}

export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

export type BearerCheck = { ok: true } | { ok: false; code: string; message: string };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function oauthError(status: number, error: string, description: string): OAuthResult {
  return { status, body: { error, error_description: description } };
}

export class TokenService {
  private readonly options: TokenServiceOptions;
  private readonly tokens = new Map<string, number>();

  constructor(options: TokenServiceOptions) {
    this.options = options;
  }

  /**
   * Handles a token request: form fields from the body, client credentials either in the form (client_secret_post)
   * or in an HTTP Basic header (client_secret_basic).
   */
  issue(form: URLSearchParams, authorization: string | undefined): OAuthResult {
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
      return oauthError(400, 'unsupported_grant_type',
        `MSIS9611: The authorization server does not support the requested 'grant_type': '${grantType ?? ''}'.`);
    }
    if (!clientId) {
      return oauthError(400, 'invalid_request', "MSIS9609: The 'client_id' parameter is missing from the request.");
    }
    if (clientId !== this.options.clientId) {
      return oauthError(401, 'invalid_client', "MSIS9607: The 'client_id' parameter in the request is invalid. " +
        'No registered client is found with this identifier.');
    }
    if (!clientSecret || !timingSafeEqual(digest(clientSecret), digest(this.options.clientSecret))) {
      return oauthError(401, 'invalid_client', 'MSIS9622: Client authentication failed. ' +
        'Please verify the credential provided for client authentication is valid.');
    }
    const scope = form.get('scope');
    const resource = form.get('resource') ?? (scope ? scope.replace(/\/\.default$/, '') : null);
    if (!resource) {
      return oauthError(400, 'invalid_request', "MSIS9609: The 'resource' parameter is missing from the request.");
    }
    if (resource.replace(/\/+$/, '') !== this.options.audience) {
      return oauthError(400, 'invalid_resource',
        `MSIS9602: The received resource '${resource}' is not a relying party identifier registered on this AD FS.`);
    }
    const nowMs = this.options.now().getTime();
    this.forgetExpired(nowMs);
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, nowMs + this.options.lifetimeSeconds * 1000);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.options.lifetimeSeconds,
        resource: this.options.audience,
        ...(scope ? { scope } : {}),
      },
    };
  }

  // Expired tokens are kept until the next sign-in so that a late request still gets the distinct "expired" answer.
  private forgetExpired(nowMs: number): void {
    for (const [token, expiresAt] of this.tokens) {
      if (expiresAt + 3_600_000 <= nowMs) this.tokens.delete(token);
    }
  }

  /** Checks an `Authorization` header on an ARM request. */
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
    const expiresAt = this.tokens.get(match[1] as string);
    if (expiresAt === undefined) {
      return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
    }
    if (expiresAt <= this.options.now().getTime()) {
      return {
        ok: false,
        code: 'ExpiredAuthenticationToken',
        message: `The access token expired at ${new Date(expiresAt).toISOString()}. Request a new token.`,
      };
    }
    return { ok: true };
  }
}
