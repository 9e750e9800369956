import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { StackmeterError } from '../../shared/result.ts';

/** A service principal's certificate credential, ready for a signed client assertion. Never logged. */
export interface ClientCertificate {
  /** The private key as PKCS#8 PEM (what msal's assertion signer reads). */
  privateKeyPem: string;
  /** The certificate that matches the key first, then any chain certificates given with it (sent as x5c). */
  chainPem: string;
  /** Hex thumbprints of the matching certificate's DER: AD FS identifies it by SHA-1 (x5t), Entra ID by SHA-256. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  subject: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

function invalid(where: string, problem: string): StackmeterError {
  return new StackmeterError('AUTH', `The certificate credential (${where}) ${problem}`);
}

/**
 * Reads a PEM that holds the service principal's certificate and its private key (in either order, chain
 * certificates allowed). `where` says where the PEM came from (e.g. `file:/etc/stackmeter/sp.pem`) for error messages;
 * the PEM's content never appears in one.
 */
export function parseClientCertificate(pem: string, where: string): ClientCertificate {
  const keyMatch = KEY_BLOCK.exec(pem);
  if (!keyMatch) {
    throw invalid(where, 'holds no private key (-----BEGIN PRIVATE KEY-----). Give one PEM with the certificate and its ' +
      'unencrypted private key, e.g. `cat cert.pem key.pem > sp.pem`.');
  }
  if (keyMatch[1] === 'ENCRYPTED PRIVATE KEY') {
    throw invalid(where, 'holds an encrypted private key, which cannot be read without its passphrase. Decrypt it ' +
      '(`openssl pkcs8 -in key.pem -out plain.pem`) into an owner-only file.');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyMatch[0]);
  } catch (err) {
    throw invalid(where, `has a private key that cannot be read (${(err as Error).message}).`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw invalid(where, `has a ${key.asymmetricKeyType ?? 'non-RSA'} key; AD FS and Microsoft Entra ID accept ` +
      'client assertions signed with an RSA key only.');
  }
  const certificates = (pem.match(CERTIFICATE_BLOCK) ?? []).map((block) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw invalid(where, `has a certificate that cannot be read (${(err as Error).message}).`);
    }
  });
  if (certificates.length === 0) {
    throw invalid(where, 'holds no certificate (-----BEGIN CERTIFICATE-----); put the certificate beside its private key.');
  }
  const leaf = certificates.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw invalid(where, 'holds no certificate that matches its private key.');
  const chain = [leaf, ...certificates.filter((c) => c !== leaf)];
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    chainPem: chain.map((c) => c.toString()).join(''),
    thumbprintSha1: leaf.fingerprint.replaceAll(':', ''),
    thumbprintSha256: leaf.fingerprint256.replaceAll(':', ''),
    subject: leaf.subject.split('\n').join(', '),
  };
}
