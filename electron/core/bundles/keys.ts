import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { StackmeterError } from '../../shared/result.ts';

/**
 * The installation's signing key: Ed25519, one per installation, generated on first export. Only PEM strings cross
 * this module's boundary; the caller keeps the private key encrypted at rest like any other credential.
 *
 * A key is recognised by its fingerprint: the SHA-256 (hex) of the raw 32-byte public key, which is what an auditor
 * compares, in its short form, with the fingerprint the exporting operator reads out to them.
 */

export interface InstallationKey {
  publicKeyPem: string;
  /** PKCS#8 PEM, unencrypted: encrypt it before storing. */
  privateKeyPem: string;
  /** SHA-256 (lower-case hex, 64 digits) of the raw public key. */
  fingerprint: string;
}

export function generateInstallationKey(): InstallationKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: fingerprintOfRaw(rawPublicKey(publicKey)),
  };
}

/** The first 16 hex digits in groups of four, e.g. "3f2a:91c0:7d4e:b815", for a person to read out and compare. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 16).match(/.{1,4}/g) ?? []).join(':');
}

export function fingerprintOfRaw(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** The fingerprint of a PEM public (or private) key. */
export function keyFingerprint(pem: string): string {
  return fingerprintOfRaw(rawPublicKey(publicKeyOf(pem)));
}

/** Parses a PKCS#8 PEM Ed25519 private key; anything else is refused. */
export function loadPrivateKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new StackmeterError('INVALID_ARGUMENT', 'The installation signing key is not a readable PEM private key.',
      { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new StackmeterError('INVALID_ARGUMENT',
      `The installation signing key is a ${key.asymmetricKeyType ?? 'unknown'} key; bundles are signed with Ed25519.`);
  }
  return key;
}

function publicKeyOf(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (err) {
    throw new StackmeterError('INVALID_ARGUMENT', 'The key is not a readable PEM key.', { cause: err });
  }
}

/** The 32 raw bytes of an Ed25519 public key (JWK "x"), also of a private key's public half. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new StackmeterError('INVALID_ARGUMENT', 'The key is not an Ed25519 key.');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** A public key object from its 32 raw bytes, or null when they are not a valid Ed25519 key. */
export function publicKeyFromRaw(raw: Buffer): KeyObject | null {
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return null;
  }
}
