import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseClientCertificate } from '../../../electron/core/azure/client-certificate.ts';
import { generateClientCertificate, type ClientCertificatePem } from '../../../electron/core/simulator/index.ts';
import { generatePki, type SimulatorPki } from '../../../electron/core/simulator/tls.ts';

let client: ClientCertificatePem;
let other: ClientCertificatePem;
let pki: SimulatorPki;

beforeAll(async () => {
  [client, other, pki] = await Promise.all([
    generateClientCertificate('sp-one'), generateClientCertificate('sp-two'), generatePki(),
  ]);
});

const hex = (fingerprint: string) => fingerprint.replaceAll(':', '');

describe('reading a certificate credential', () => {
  it('finds the certificate that matches the key, in any order, with both thumbprints and the chain after it', () => {
    const cert = new X509Certificate(client.certPem);
    const parsed = parseClientCertificate(`${pki.caPem}\n${client.keyPem}\n${client.certPem}`, 'file:/sp.pem');
    expect(parsed.thumbprintSha1).toBe(hex(cert.fingerprint));
    expect(parsed.thumbprintSha256).toBe(hex(cert.fingerprint256));
    expect(parsed.subject).toBe('CN=sp-one');
    const chain = parsed.chainPem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    expect(chain).toHaveLength(2);
    expect(new X509Certificate(parsed.chainPem).subject).toBe('CN=sp-one');
    expect(parsed.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('reads a traditional RSA key (BEGIN RSA PRIVATE KEY) as well', () => {
    const pkcs1 = createPrivateKey(client.keyPem).export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(parseClientCertificate(`${client.certPem}${pkcs1}`, 'env:SP_PEM').subject).toBe('CN=sp-one');
  });

  it('says what is wrong without ever quoting the PEM', () => {
    const where = 'file:/etc/stackmeter/sp.pem';
    const refuse = (pem: string) => {
      try {
        parseClientCertificate(pem, where);
      } catch (err) {
        const message = (err as Error).message;
        expect(message).toContain(where);
        expect(message).not.toContain('MII');
        expect(err).toMatchObject({ code: 'AUTH' });
        return message;
      }
      throw new Error('accepted');
    };
    expect(refuse(client.certPem)).toMatch(/holds no private key/);
    expect(refuse(client.keyPem)).toMatch(/holds no certificate/);
    expect(refuse(`${other.certPem}${client.keyPem}`)).toMatch(/no certificate that matches its private key/);
    expect(refuse(`${pki.certPem}${pki.keyPem}`)).toMatch(/ec key; .* RSA key only/);
    const encrypted = createPrivateKey(client.keyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    expect(refuse(`${client.certPem}${encrypted}`)).toMatch(/encrypted private key/);
    expect(refuse(`${client.certPem}-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n`))
      .toMatch(/private key that cannot be read/);
  });
});
