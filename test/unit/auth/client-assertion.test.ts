import { constants, createHash, sign, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AssertionKey, verifyClientAssertion } from '../../../electron/core/simulator/client-assertion.ts';
import { generateClientCertificate, type ClientCertificatePem } from '../../../electron/core/simulator/index.ts';

const AUD = 'https://login.stamp/adfs/oauth2/token';
const NOW = 1_800_000_000;
let cert: ClientCertificatePem;
let stranger: ClientCertificatePem;
let key: AssertionKey;

beforeAll(async () => {
  [cert, stranger] = await Promise.all([generateClientCertificate('sp'), generateClientCertificate('stranger')]);
  key = new AssertionKey(cert.certPem);
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const thumb = (pem: string, alg: 'sha1' | 'sha256') =>
  createHash(alg).update(new X509Certificate(pem).raw).digest('base64url');

/** Signs an assertion as msal does: RS256 + x5t (SHA-1) or PS256 + x5t#S256, iss = sub = client, aud, exp, nbf. */
function assertion(options: {
  alg?: 'RS256' | 'PS256'; signer?: ClientCertificatePem; named?: ClientCertificatePem; claims?: Record<string, unknown>;
} = {}): string {
  const alg = options.alg ?? 'RS256';
  const named = options.named ?? cert;
  const header = alg === 'PS256'
    ? { alg, 'x5t#S256': thumb(named.certPem, 'sha256') }
    : { alg, x5t: thumb(named.certPem, 'sha1') };
  const claims = { aud: AUD, iss: 'app', sub: 'app', exp: NOW + 600, nbf: NOW, jti: 'j', ...options.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  const padding = alg === 'PS256'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: constants.RSA_PKCS1_PADDING };
  const signature = sign('sha256', Buffer.from(input), { key: (options.signer ?? cert).keyPem, ...padding });
  return `${input}.${signature.toString('base64url')}`;
}

const check = (jwt: string) => verifyClientAssertion(jwt, key, 'app', AUD, NOW);

describe('the simulator\'s check of a client assertion', () => {
  it('accepts RS256 with the SHA-1 thumbprint and PS256 with the SHA-256 thumbprint', () => {
    expect(check(assertion())).toEqual({ ok: true });
    expect(check(assertion({ alg: 'PS256' }))).toEqual({ ok: true });
    expect(check(assertion({ claims: { aud: [AUD, 'other'] } }))).toEqual({ ok: true });
  });

  it('refuses another key, a forged signature, another subject or audience, and an expired assertion', () => {
    expect(check(assertion({ named: stranger, signer: stranger }))).toMatchObject({ ok: false, failure: 'unknown_key' });
    expect(check(assertion({ signer: stranger }))).toMatchObject({ ok: false, failure: 'signature' });
    expect(check(assertion({ alg: 'PS256', signer: stranger }))).toMatchObject({ ok: false, failure: 'signature' });
    expect(check(assertion({ claims: { iss: 'other' } }))).toMatchObject({ ok: false, failure: 'subject' });
    expect(check(assertion({ claims: { sub: 'other' } }))).toMatchObject({ ok: false, failure: 'subject' });
    expect(check(assertion({ claims: { aud: 'https://login.stamp/adfs' } }))).toMatchObject({ ok: false, failure: 'audience' });
    expect(check(assertion({ claims: { exp: NOW - 301 } }))).toMatchObject({ ok: false, failure: 'time' });
    expect(check(assertion({ claims: { nbf: NOW + 301 } }))).toMatchObject({ ok: false, failure: 'time' });
    // Within the five minutes of clock skew both identity providers allow.
    expect(check(assertion({ claims: { exp: NOW - 200 } }))).toEqual({ ok: true });
  });

  it('refuses what is not a signed JWT with a certificate thumbprint', () => {
    expect(check('not-a-jwt')).toMatchObject({ ok: false, failure: 'malformed' });
    const [, claims, signature] = assertion().split('.');
    expect(check(`${b64({ alg: 'none', x5t: key.x5t })}.${claims}.${signature}`)).toMatchObject({ failure: 'malformed' });
    expect(check(`${b64({ alg: 'RS256' })}.${claims}.${signature}`)).toMatchObject({ failure: 'malformed' });
    expect(check(assertion({ claims: { exp: undefined } }))).toMatchObject({ failure: 'malformed' });
  });
});
