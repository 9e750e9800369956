// Verification of a signed client assertion (RFC 7523 private_key_jwt), as AD FS and Microsoft Entra ID check the one
// a service principal signs with its certificate's private key: a JWT whose header names the certificate by
// thumbprint (x5t = SHA-1, x5t#S256 = SHA-256) and whose claims say who (iss = sub = client_id), for which token
// endpoint (aud) and until when (exp).

import { constants, createHash, verify, X509Certificate } from 'node:crypto';

export type AssertionFailure = 'malformed' | 'unknown_key' | 'signature' | 'subject' | 'audience' | 'time';

export type AssertionCheck = { ok: true } | { ok: false; failure: AssertionFailure; detail: string };

/** A registered certificate, with its thumbprints in the base64url form JWT headers carry. */
export class AssertionKey {
  readonly certificate: X509Certificate;
  readonly x5t: string;
  readonly x5tS256: string;

  constructor(certificatePem: string) {
    this.certificate = new X509Certificate(certificatePem);
    this.x5t = createHash('sha1').update(this.certificate.raw).digest('base64url');
    this.x5tS256 = createHash('sha256').update(this.certificate.raw).digest('base64url');
  }
}

// Clock skew both identity providers tolerate between the client and themselves.
const SKEW_SECONDS = 300;

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function fail(failure: AssertionFailure, detail: string): AssertionCheck {
  return { ok: false, failure, detail };
}

/**
 * Checks a client assertion against the client's registered certificate. `audience` is the token endpoint the
 * assertion was posted to; `nowSeconds` is real time, because the client signs with its own (real) clock.
 */
export function verifyClientAssertion(
  jwt: string, key: AssertionKey, clientId: string, audience: string, nowSeconds: number,
): AssertionCheck {
  const parts = jwt.split('.');
  const header = parts.length === 3 ? decodePart(parts[0] as string) : null;
  const claims = parts.length === 3 ? decodePart(parts[1] as string) : null;
  if (!header || !claims) return fail('malformed', 'The client assertion is not a signed JWT.');
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'PS256') {
    return fail('malformed', `The client assertion's algorithm ${JSON.stringify(alg)} is not RS256 or PS256.`);
  }
  const sha256 = header['x5t#S256'];
  const sha1 = header.x5t;
  if (typeof sha256 !== 'string' && typeof sha1 !== 'string') {
    return fail('malformed', 'The client assertion names no certificate (x5t or x5t#S256).');
  }
  if (typeof sha256 === 'string' ? sha256 !== key.x5tS256 : sha1 !== key.x5t) {
    const given = typeof sha256 === 'string' ? `x5t#S256 ${sha256}` : `x5t ${String(sha1)}`;
    return fail('unknown_key', `The key was not found: no certificate registered for the client has ${given}.`);
  }
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2] as string, 'base64url');
  const padding = alg === 'PS256'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: constants.RSA_PKCS1_PADDING };
  let valid: boolean;
  try {
    valid = verify('sha256', signed, { key: key.certificate.publicKey, ...padding }, signature);
  } catch {
    valid = false; // e.g. a signature of the wrong length for the key
  }
  if (!valid) return fail('signature', 'The client assertion failed signature validation.');
  if (claims.iss !== clientId || claims.sub !== clientId) {
    return fail('subject', `The client assertion's iss and sub must both be the client_id '${clientId}'.`);
  }
  const aud = claims.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) {
    const given = JSON.stringify(aud);
    return fail('audience', `The client assertion's audience ${given} is not this token endpoint, ${audience}.`);
  }
  const { exp, nbf } = claims;
  if (typeof exp !== 'number') return fail('malformed', 'The client assertion has no exp claim.');
  if (exp + SKEW_SECONDS <= nowSeconds) return fail('time', 'The client assertion has expired.');
  if (typeof nbf === 'number' && nbf - SKEW_SECONDS > nowSeconds) {
    return fail('time', 'The client assertion is not valid yet (nbf).');
  }
  return { ok: true };
}
