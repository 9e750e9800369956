import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeContainer, encodeContainer } from '../../../electron/core/bundles/format.ts';
import { verifyBundle, verifyBundleFile } from '../../../electron/core/bundles/verify.ts';
import { writeBundle, writeBundleFile } from '../../../electron/core/bundles/write.ts';
import { flipByte, installationKey, meta, standardEntries, storedRange } from './bundle-fixtures.ts';

// The file-based writer and verifier against the in-memory ones: one definition of the format, so the same entries
// give the same bytes, and the same bytes give the same report, check for check and word for word.

const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-bundle-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const key = installationKey.privateKeyPem;
const bundle = writeBundle(standardEntries(), meta, key);
const sorted = () => [...standardEntries()].sort((a, b) => (a.name < b.name ? -1 : 1));

describe('writeBundleFile', () => {
  it('writes the bytes writeBundle returns, under the name given, leaving no temporary file', () => {
    const path = join(scratch, 'same.smb');
    writeFileSync(path, 'an older file of that name');
    const length = writeBundleFile(path, sorted(), meta, key);
    expect(readFileSync(path).equals(bundle)).toBe(true);
    expect(length).toBe(bundle.length);
    expect(readdirSync(scratch).filter((n) => n.includes('same.smb'))).toEqual(['same.smb']);
  });

  it('takes entries one at a time, from a generator whose buffer is reused', () => {
    const path = join(scratch, 'generated.smb');
    const shared = Buffer.alloc(1 << 20);
    writeBundleFile(path, (function* () {
      for (const entry of sorted()) {
        entry.bytes.copy(shared);
        yield { name: entry.name, bytes: shared.subarray(0, entry.bytes.length) };
      }
    })(), meta, key);
    expect(readFileSync(path).equals(bundle)).toBe(true);
  });

  it('refuses entries out of order or without the audit log, and leaves nothing behind', () => {
    const path = join(scratch, 'refused.smb');
    expect(() => writeBundleFile(path, [...sorted()].reverse(), meta, key))
      .toThrow(/The bundle entry subscriptions\.ndjson comes after usage\.ndjson: entries are written sorted/);
    expect(() => writeBundleFile(path, sorted().filter((e) => e.name !== 'audit.ndjson'), meta, key))
      .toThrow(/must carry the audit log/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(scratch).filter((n) => n.includes('refused'))).toEqual([]);
  });
});

describe('verifyBundleFile gives verifyBundle\'s report for the same bytes', () => {
  const records = decodeContainer(bundle);
  const usage = storedRange(records.find((r) => r.name === 'usage.ndjson')!);
  const cases: Record<string, Buffer> = {
    intact: bundle,
    'flipped header byte': flipByte(bundle, 0),
    'flipped usage byte': flipByte(bundle, Math.floor((usage.start + usage.end) / 2)),
    'flipped signature byte': flipByte(bundle, bundle.length - 1),
    'flipped manifest byte': flipByte(bundle, storedRange(records.at(-2)!).start + 30),
    truncated: bundle.subarray(0, Math.floor(bundle.length * 0.7)),
    'cut in a frame': bundle.subarray(0, records[2]!.offset + 3),
    'only the header': bundle.subarray(0, 20),
    empty: Buffer.alloc(0),
    appended: Buffer.concat([bundle, Buffer.from('junk')]),
    'entry dropped': encodeContainer(records.filter((r) => r.name !== 'meters.json')),
    'entries moved': encodeContainer([records[1]!, records[0]!, ...records.slice(2)]),
  };

  it.each(Object.keys(cases))('%s', (name) => {
    const path = join(scratch, `${name.replaceAll(' ', '-')}.smb`);
    writeFileSync(path, cases[name]!);
    const trusted = { trusted: [installationKey.fingerprint] };
    expect(verifyBundleFile(path, 'case.smb', trusted)).toEqual(verifyBundle(cases[name]!, 'case.smb', trusted));
  });

  it('names a file that cannot be read', () => {
    expect(() => verifyBundleFile(join(scratch, 'missing.smb'), 'missing.smb'))
      .toThrow('The bundle missing.smb cannot be read (ENOENT).');
  });
});
