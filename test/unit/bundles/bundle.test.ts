import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { canonicalJson } from '../../../electron/core/chargeback/canonical-json.ts';
import {
  BUNDLE_HEADER, decodeContainer, encodeContainer, type Manifest,
} from '../../../electron/core/bundles/format.ts';
import { generateInstallationKey, keyFingerprint, shortFingerprint } from '../../../electron/core/bundles/keys.ts';
import { readBundle } from '../../../electron/core/bundles/read.ts';
import { verifyBundle, type BundleCheck } from '../../../electron/core/bundles/verify.ts';
import { writeBundle } from '../../../electron/core/bundles/write.ts';
import { flipByte, installationKey, meta, standardEntries, storedRange } from './bundle-fixtures.ts';

const FILE = 'october.smb';
const bundle = writeBundle(standardEntries(), meta, installationKey.privateKeyPem);
const records = decodeContainer(bundle);
const record = (name: string) => records.find((r) => r.name === name)!;

/** The first failed check, as `bundle verify` prints it and readBundle refuses with it. */
function firstFailure(file: Buffer, trusted?: string[]): BundleCheck {
  const report = verifyBundle(file, FILE, trusted === undefined ? {} : { trusted });
  expect(report.ok).toBe(false);
  return report.checks.find((c) => !c.ok)!;
}

function refusal(file: Buffer): StackmeterError {
  try {
    readBundle(file, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(StackmeterError);
    expect((err as StackmeterError).code).toBe('BAD_INPUT');
    return err as StackmeterError;
  }
  throw new Error('the bundle was accepted');
}

/** Rewrites the container from records, e.g. without one, or with an extra one. */
function rebuild(list: { name: string; stored: Buffer }[]): Buffer {
  return encodeContainer(list.map(({ name, stored }) => ({ name, stored })));
}

describe('bundle round trip', () => {
  it('reads back every entry byte for byte, with the manifest describing them', () => {
    const entries = standardEntries();
    const { manifest, entries: read } = readBundle(bundle, FILE);
    const byName = new Map(read.map((e) => [e.name, e.bytes]));
    for (const entry of entries) expect(byName.get(entry.name)!.equals(entry.bytes)).toBe(true);
    expect(read.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    expect(manifest).toMatchObject({
      format: 'stackmeter-bundle', version: 1, createdAt: '2026-11-02T08:30:00.000Z',
      stamps: ['berlin-dc1', 'redmond-dc2'], period: { from: '2026-10-01', to: '2026-10-31' },
      keyFingerprint: installationKey.fingerprint,
    });
    expect(manifest.entries.find((e) => e.name === 'statements.ndjson')).toEqual({
      name: 'statements.ndjson', bytes: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  it('starts with the readable header and compresses the usage rows', () => {
    expect(bundle.subarray(0, BUNDLE_HEADER.length).toString('ascii')).toBe('STACKMETER-BUNDLE/1\n');
    const usage = standardEntries().find((e) => e.name === 'usage.ndjson')!;
    expect(record('usage.ndjson').stored.length).toBeLessThan(usage.bytes.length / 3);
  });

  it('reports every check passed, including the audit chain', () => {
    const report = verifyBundle(bundle, FILE, { trusted: [installationKey.fingerprint] });
    expect(report.ok).toBe(true);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.checks.map((c) => c.check)).toEqual([
      'header', 'container', 'manifest', 'key', 'signature', 'trusted-key',
      'sha256', 'sha256', 'sha256', 'sha256', 'sha256', 'sha256', 'audit-chain',
    ]);
    expect(report.checks.at(-1)!.detail).toBe('4 entries, chain intact.');
  });

  it('writes the same bytes for the same input, whatever order the entries come in', () => {
    const again = writeBundle([...standardEntries()].reverse(), { ...meta, stamps: [...meta.stamps].reverse() },
      installationKey.privateKeyPem);
    expect(again.equals(bundle)).toBe(true);
    const later = writeBundle(standardEntries(), { ...meta, createdAt: new Date('2026-11-02T08:30:01Z') },
      installationKey.privateKeyPem);
    expect(later.equals(bundle)).toBe(false);
  });

  it('refuses to write entries that could not be read back as written', () => {
    const key = installationKey.privateKeyPem;
    const entries = standardEntries();
    expect(() => writeBundle([...entries, { name: '../usage.ndjson', bytes: Buffer.alloc(1) }], meta, key))
      .toThrow(/cannot name a bundle entry/);
    expect(() => writeBundle([...entries, { name: 'manifest.json', bytes: Buffer.alloc(1) }], meta, key))
      .toThrow(/cannot name a bundle entry/);
    expect(() => writeBundle([...entries, entries[0]!], meta, key))
      .toThrow('The bundle entry usage.ndjson is given twice.');
    expect(() => writeBundle(entries.filter((e) => e.name !== 'audit.ndjson'), meta, key)).toThrow(/audit log/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => writeBundle(entries, meta, rsa.toString())).toThrow(/rsa key; bundles are signed with Ed25519/);
  });
});

describe('installation key', () => {
  it('is an Ed25519 key pair whose fingerprint is the SHA-256 of the raw public key', () => {
    const key = generateInstallationKey();
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(keyFingerprint(key.publicKeyPem)).toBe(key.fingerprint);
    expect(keyFingerprint(key.privateKeyPem)).toBe(key.fingerprint);
    expect(key.fingerprint).not.toBe(installationKey.fingerprint);
    expect(shortFingerprint('3f2a91c07d4eb815aaaa')).toBe('3f2a:91c0:7d4e:b815');
  });
});

describe('tampered bundles are refused, naming the part and the check', () => {
  it('a flipped byte in the header', () => {
    expect(firstFailure(flipByte(bundle, 0))).toMatchObject({ check: 'header', subject: FILE });
    const version = flipByte(bundle, BUNDLE_HEADER.indexOf('1'));
    expect(firstFailure(version).detail).toBe('Container version 0 is not supported: this Stackmeter reads version 1.');
    expect(refusal(flipByte(bundle, 3)).message)
      .toMatch(/^The bundle october\.smb is refused\. october\.smb failed the header check/);
  });

  it.each(['usage.ndjson', 'subscriptions.ndjson', 'meters.json', 'rate-cards.json', 'audit.ndjson'])(
    'a flipped byte in the entry %s', (name) => {
      const { start, end } = storedRange(record(name));
      for (const at of [start, Math.floor((start + end) / 2), end - 1]) {
        const failure = firstFailure(flipByte(bundle, at));
        expect(failure.subject).toBe(name);
        expect(['decompress', 'size', 'sha256']).toContain(failure.check);
        expect(refusal(flipByte(bundle, at)).message).toContain(`${name} failed the ${failure.check} check`);
      }
    });

  it('changed contents that still decompress: SHA-256 mismatch of that entry', () => {
    const forged = rebuild(records.map((r) => (r.name === 'rate-cards.json'
      ? { name: r.name, stored: encodeContainerEntry('{"rateCards":[1]}') }
      : r)));
    expect(firstFailure(forged)).toMatchObject({ check: 'size', subject: 'rate-cards.json' });
    const sameSize = rebuild(records.map((r) => (r.name === 'rate-cards.json'
      ? { name: r.name, stored: encodeContainerEntry('{"rateCards":{}}') }
      : r)));
    const failure = firstFailure(sameSize);
    expect(failure).toMatchObject({ check: 'sha256', subject: 'rate-cards.json' });
    expect(failure.detail).toMatch(/^SHA-256 mismatch of entry rate-cards\.json/);
  });

  it('a flipped byte in the manifest', () => {
    const { start, end } = storedRange(record('manifest.json'));
    // A structural byte: the manifest no longer parses.
    expect(firstFailure(flipByte(bundle, start))).toMatchObject({ check: 'manifest', subject: 'manifest.json' });
    // A hex digit of a listed hash: still a manifest, but no longer the one that was signed.
    const digit = bundle.indexOf('"sha256":"', start) + '"sha256":"'.length;
    expect(digit).toBeLessThan(end);
    const failure = firstFailure(flipByte(bundle, digit));
    expect(failure.check).toBe('signature');
    expect(failure.detail).toContain('manifest.json');
    for (let at = start; at < end; at += 7) {
      expect(['manifest', 'key', 'signature']).toContain(firstFailure(flipByte(bundle, at)).check);
    }
  });

  it('a flipped byte in the signature, while every entry still matches', () => {
    const { start, end } = storedRange(record('signature.bin'));
    for (const at of [start, end - 1]) {
      const report = verifyBundle(flipByte(bundle, at), FILE);
      expect(report.checks.filter((c) => !c.ok)).toEqual([expect.objectContaining({
        check: 'signature', subject: 'signature.bin', ok: false,
      })]);
    }
    expect(refusal(flipByte(bundle, start)).message).toContain('signature.bin failed the signature check');
  });

  it('a dropped entry, and an entry added after signing', () => {
    const dropped = rebuild(records.filter((r) => r.name !== 'statements.ndjson'));
    expect(firstFailure(dropped)).toMatchObject({ check: 'present', subject: 'statements.ndjson' });
    expect(refusal(dropped).message).toContain('statements.ndjson failed the present check');

    // Put where a writer would put it (entries are sorted by name), so that only the manifest can tell.
    const extra = { name: 'extra.ndjson', stored: encodeContainerEntry('{}\n'), offset: 0 };
    const added = rebuild([...records.slice(0, -2), extra].sort((a, b) => (a.name < b.name ? -1 : 1))
      .concat(records.slice(-2)));
    expect(firstFailure(added)).toMatchObject({ check: 'listed', subject: 'extra.ndjson' });
  });

  it('entries moved in the container, even though each still matches its hash', () => {
    const [first, second, ...rest] = records;
    const moved = rebuild([second!, first!, ...rest]);
    const failure = firstFailure(moved);
    expect(failure).toMatchObject({ check: 'container', subject: FILE });
    expect(failure.detail).toMatch(/^The record "audit\.ndjson" at byte \d+ comes after "meters\.json": entries are /);
    expect(refusal(moved).message).toContain(`${FILE} failed the container check`);
  });

  it('a dropped or moved manifest or signature', () => {
    expect(firstFailure(rebuild(records.slice(0, -1))).detail)
      .toMatch(/after the record "manifest.json", without signature.bin: it is truncated/);
    const noManifest = rebuild([...records.slice(0, -2), records.at(-1)!]);
    expect(firstFailure(noManifest).detail).toMatch(/^manifest.json is not right before signature.bin/);
    const twice = rebuild([records[0]!, ...records]);
    expect(firstFailure(twice).detail).toMatch(/appears twice/);
  });

  it('junk appended after the signature', () => {
    const junk = Buffer.concat([bundle, Buffer.from('PK\u0003\u0004 more data')]);
    const failure = firstFailure(junk);
    expect(failure).toMatchObject({ check: 'container', subject: FILE });
    expect(failure.detail).toBe(`14 bytes follow signature.bin, which ends at byte ${bundle.length}: `
      + 'something was appended to the bundle.');
  });

  it('a bundle truncated at any byte', () => {
    for (let length = 0; length < bundle.length; length++) {
      const failure = firstFailure(bundle.subarray(0, length));
      expect(failure.check, `cut at ${length}`).toBe(length < BUNDLE_HEADER.length ? 'header' : 'container');
      // A cut never passes as an empty or shorter entry: it is never reported as an entry's fault.
      expect(failure.subject).toBe(FILE);
    }
    const inUsage = storedRange(record('usage.ndjson')).start + 100;
    expect(refusal(bundle.subarray(0, inUsage)).message).toMatch(
      new RegExp(`ends at byte ${inUsage}, inside record \\d \\("usage\\.ndjson"\\), which declares`));
  });

  it('a bundle re-signed by another key is refused when the installation key is the trusted one', () => {
    const other = generateInstallationKey();
    const foreign = writeBundle(standardEntries(), meta, other.privateKeyPem);
    expect(verifyBundle(foreign, FILE).ok).toBe(true);
    const failure = firstFailure(foreign, [installationKey.fingerprint]);
    expect(failure).toMatchObject({ check: 'trusted-key', subject: shortFingerprint(other.fingerprint) });
    expect(failure.detail).toMatch(/^Key not trusted/);
    // The trust list may be typed as people read fingerprints out: upper case, with colons.
    const spoken = other.fingerprint.toUpperCase().match(/.{4}/g)!.join(':');
    expect(verifyBundle(foreign, FILE, { trusted: [installationKey.fingerprint, spoken] }).ok).toBe(true);
  });

  it('a manifest that lists a smaller entry than it holds stops decompressing at the listed size', () => {
    const manifest = JSON.parse(record('manifest.json').stored.toString()) as Manifest;
    const usage = manifest.entries.find((e) => e.name === 'usage.ndjson')!;
    usage.bytes = 1000;
    expect(firstFailure(resign(manifest))).toMatchObject({ check: 'size', subject: 'usage.ndjson' });
    expect(firstFailure(resign(manifest)).detail)
      .toBe('The entry usage.ndjson holds more than the 1000 bytes manifest.json lists.');
  });

  it('an entry listed larger than any entry may be is refused before it is inflated', () => {
    const manifest = JSON.parse(record('manifest.json').stored.toString()) as Manifest;
    manifest.entries.find((e) => e.name === 'usage.ndjson')!.bytes = 2 ** 40;
    expect(firstFailure(resign(manifest))).toEqual({ check: 'size', subject: 'usage.ndjson', ok: false,
      detail: `The entry usage.ndjson is listed with ${2 ** 40} bytes, more than the 1073741824 a bundle entry may `
        + 'hold: it was not written by Stackmeter.' });
  });

  it('a bundle without an audit log, even when signed', () => {
    const manifest = JSON.parse(record('manifest.json').stored.toString()) as Manifest;
    manifest.entries = manifest.entries.filter((e) => e.name !== 'audit.ndjson');
    const withoutAudit = resign(manifest, records.filter((r) => r.name !== 'audit.ndjson'));
    expect(firstFailure(withoutAudit)).toEqual({
      check: 'audit-chain', subject: 'audit.ndjson', ok: false, detail: 'The bundle carries no audit log (audit.ndjson).',
    });
  });

  it('a manifest of another version is refused as such, even when signed', () => {
    const manifest = { ...JSON.parse(record('manifest.json').stored.toString()) as Manifest, version: 2 };
    expect(firstFailure(resign(manifest as unknown as Manifest)).detail)
      .toBe('Manifest version 2 is not supported: this Stackmeter reads version 1.');
  });
});

/** Stores text as writeBundle stores an entry. */
function encodeContainerEntry(text: string): Buffer {
  const file = writeBundle([{ name: 'audit.ndjson', bytes: Buffer.from(text) }], meta, installationKey.privateKeyPem);
  return decodeContainer(file).find((r) => r.name === 'audit.ndjson')!.stored;
}

/** The bundle with this manifest, signed by the installation key as a key holder could. */
function resign(manifest: Manifest, from = records): Buffer {
  const bytes = Buffer.from(canonicalJson(manifest));
  const signature = sign(null, bytes, installationKey.privateKeyPem);
  return rebuild([...from.slice(0, -2), { name: 'manifest.json', stored: bytes },
    { name: 'signature.bin', stored: signature }]);
}
