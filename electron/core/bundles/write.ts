import { createHash, sign } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { StackmeterError } from '../../shared/result.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { temporaryPath } from '../exports/export-file.ts';
import { compareText } from '../rating/usage.ts';
import {
  AUDIT_NAME, BUNDLE_HEADER, BUNDLE_VERSION, ENTRY_COMPRESSION, MANIFEST_FORMAT, MANIFEST_NAME, SIGNATURE_NAME,
  isValidEntryName, recordFrame, type BundleEntry, type Manifest, type ManifestEntry,
} from './format.ts';
import { fingerprintOfRaw, loadPrivateKey, rawPublicKey } from './keys.ts';

export interface BundleMeta {
  createdAt: Date;
  /** The stamps (connection names) whose data the bundle holds. */
  stamps: string[];
  period: { from: string; to: string };
}

/**
 * Writes a bundle (layout in format.ts): entries sorted by name and deflated, then the manifest of their hashes,
 * then its Ed25519 signature. The audit log must be among the entries (empty when there is none) because a bundle's
 * statements are only as credible as the history that produced them; it is exported whole, from its first entry,
 * since its hash chain only verifies from the start.
 */
export function writeBundle(entries: BundleEntry[], meta: BundleMeta, privateKeyPem: string): Buffer {
  const seen = new Set<string>();
  for (const { name } of entries) {
    checkName(name);
    if (seen.has(name)) throw new StackmeterError('INVALID_ARGUMENT', `The bundle entry ${name} is given twice.`);
    seen.add(name);
  }
  if (!seen.has(AUDIT_NAME)) throw missingAudit();
  const parts: Buffer[] = [];
  writeRecords([...entries].sort((a, b) => compareText(a.name, b.name)), meta, privateKeyPem,
    (bytes) => parts.push(bytes));
  return Buffer.concat(parts);
}

/**
 * Writes the same bytes as writeBundle to `path`, one entry at a time: `entries` must come sorted by name (the
 * exporter gives the small entries, then streams the usage chunks), and each entry's bytes may be reused by the
 * producer once the next one is asked for. The file is written under a temporary name beside `path`, flushed to
 * disk, then renamed over `path`, so a crash never leaves half a bundle under that name. Returns the file's length.
 */
export function writeBundleFile(path: string, entries: Iterable<BundleEntry>, meta: BundleMeta,
  privateKeyPem: string): number {
  const temp = temporaryPath(dirname(path), basename(path));
  const fd = openSync(temp, 'wx');
  let length = 0;
  try {
    writeRecords(entries, meta, privateKeyPem, (bytes) => {
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      length += bytes.length;
    });
    fsyncSync(fd);
    closeSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw err;
  }
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkSync(temp);
    throw err;
  }
  return length;
}

function checkName(name: string): void {
  if (!isValidEntryName(name)) {
    throw new StackmeterError('INVALID_ARGUMENT', `"${name}" cannot name a bundle entry: use a lower-case file name `
      + `(letters, digits, ".", "-", "_"), other than ${MANIFEST_NAME} and ${SIGNATURE_NAME}.`);
  }
}

function missingAudit(): StackmeterError {
  return new StackmeterError('INVALID_ARGUMENT', `A bundle must carry the audit log (${AUDIT_NAME}), even empty.`);
}

/**
 * The one definition of how a bundle is written: the header, each entry (in the order given, which must be by name)
 * deflated with its SHA-256 and length taken from the uncompressed bytes as they pass, then the manifest and its
 * signature. `out` receives the file's bytes in order.
 */
function writeRecords(entries: Iterable<BundleEntry>, meta: BundleMeta, privateKeyPem: string,
  out: (bytes: Buffer) => void): void {
  const privateKey = loadPrivateKey(privateKeyPem);
  if (Number.isNaN(meta.createdAt.getTime())) {
    throw new StackmeterError('INVALID_ARGUMENT', 'The bundle creation time is not a valid date.');
  }
  out(Buffer.from(BUNDLE_HEADER, 'ascii'));
  const listed: ManifestEntry[] = [];
  for (const { name, bytes } of entries) {
    checkName(name);
    const previous = listed.at(-1)?.name;
    if (previous !== undefined && compareText(previous, name) >= 0) {
      throw new StackmeterError('INVALID_ARGUMENT', previous === name
        ? `The bundle entry ${name} is given twice.`
        : `The bundle entry ${name} comes after ${previous}: entries are written sorted by name.`);
    }
    listed.push({ name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    const stored = deflateRawSync(bytes, { level: constants.Z_BEST_COMPRESSION });
    out(recordFrame(name, stored.length));
    out(stored);
  }
  if (!listed.some((e) => e.name === AUDIT_NAME)) throw missingAudit();

  const raw = rawPublicKey(privateKey);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: meta.createdAt.toISOString(),
    stamps: [...new Set(meta.stamps)].sort(),
    period: { from: meta.period.from, to: meta.period.to },
    compression: ENTRY_COMPRESSION,
    entries: listed,
    publicKey: raw.toString('base64'),
    keyFingerprint: fingerprintOfRaw(raw),
  };
  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  // Ed25519 is deterministic: the same manifest and key always give the same signature.
  const signature = sign(null, manifestBytes, privateKey);
  out(recordFrame(MANIFEST_NAME, manifestBytes.length));
  out(manifestBytes);
  out(recordFrame(SIGNATURE_NAME, signature.length));
  out(signature);
}
