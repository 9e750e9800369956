/**
 * The Stackmeter bundle (.smb): one file that carries a period's data from a disconnected stamp to another machine,
 * and lets anyone there check, with no network, that it is whole and was written by a known installation.
 *
 * Layout (all integers big-endian):
 *
 *   "STACKMETER-BUNDLE/1\n"                     the header: magic and container version, ASCII
 *   record*                                      the entry records, sorted by name
 *   record "manifest.json"                       canonical JSON (see Manifest below)
 *   record "signature.bin"                       64 bytes: Ed25519 signature over the manifest record's bytes
 *   (end of file: nothing may follow the signature)
 *
 *   record = u16 name length | name (UTF-8) | u64 stored length | stored bytes
 *
 * Entries hold JSON or NDJSON (one JSON value per line, each line ending in "\n"): usage.ndjson, stamps.ndjson,
 * subscriptions.ndjson, meters.json, rate-cards.json, statements.ndjson and audit.ndjson (export.ts describes them).
 * audit.ndjson is required: the whole audit log, one AuditEntry per line in seq order from seq 1, so that its hash
 * chain verifies from the zero hash.
 *
 * Entry records are stored as raw deflate (RFC 1951). The manifest lists, for every entry, its name, its length and
 * the SHA-256 of its UNCOMPRESSED bytes: what is hashed and signed is what gets imported, so a verdict never depends
 * on a zlib version reproducing the same compressed bytes. The manifest and the signature are stored as they are.
 *
 * The manifest record must be the canonical JSON of its value (sorted keys, no whitespace; canonical-json.ts), so
 * its bytes are the only text of that value and the signature covers exactly what the reader parses. The same
 * entries, metadata and key give the same bundle bytes (with the same zlib).
 */
import { StackmeterError } from '../../shared/result.ts';

export const BUNDLE_MAGIC = 'STACKMETER-BUNDLE/';
export const BUNDLE_VERSION = 1;
export const BUNDLE_HEADER = `${BUNDLE_MAGIC}${BUNDLE_VERSION}\n`;
/** The manifest's own `format` value. */
export const MANIFEST_FORMAT = 'stackmeter-bundle';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'signature.bin';
export const AUDIT_NAME = 'audit.ndjson';
/** How entries are stored in the container. */
export const ENTRY_COMPRESSION = 'deflate-raw';

/** The entries a full export writes; any other well-named entry is carried as well. */
export const STANDARD_ENTRY_NAMES = [
  'usage.ndjson', 'stamps.ndjson', 'subscriptions.ndjson', 'meters.json', 'rate-cards.json', 'statements.ndjson',
  AUDIT_NAME,
] as const;

/** A SHA-256 digest (of an entry, a key or an audit entry) as the bundle writes it: lower-case hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Lower-case file names: letters, digits, dot, dash, underscore; no paths, so an entry can never name a directory. */
const ENTRY_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export interface BundleEntry {
  name: string;
  bytes: Buffer;
}

export interface ManifestEntry {
  name: string;
  /** Length of the uncompressed bytes. */
  bytes: number;
  /** SHA-256 (lower-case hex) of the uncompressed bytes. */
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof BUNDLE_VERSION;
  /** ISO 8601 UTC instant the bundle was written. */
  createdAt: string;
  /** The stamps whose data the bundle holds (connection names), sorted. */
  stamps: string[];
  period: { from: string; to: string };
  compression: typeof ENTRY_COMPRESSION;
  entries: ManifestEntry[];
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** SHA-256 (hex) of the raw public key. */
  keyFingerprint: string;
}

/** One record as found in the container: its name and its stored (for entries: compressed) bytes. */
export interface ContainerRecord {
  name: string;
  stored: Buffer;
  /** Byte offset of the record's start in the file. */
  offset: number;
}

/** Why a byte sequence is not a readable container; `check` is 'header' or 'container'. */
export class ContainerError extends Error {
  readonly check: 'header' | 'container';
  constructor(check: 'header' | 'container', message: string) {
    super(message);
    this.name = 'ContainerError';
    this.check = check;
  }
}

export function isValidEntryName(name: string): boolean {
  return ENTRY_NAME.test(name) && name !== MANIFEST_NAME && name !== SIGNATURE_NAME;
}

/** Header and records, back to back. Records are written in the order given. */
export function encodeContainer(records: { name: string; stored: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from(BUNDLE_HEADER, 'ascii')];
  for (const { name, stored } of records) {
    const nameBytes = Buffer.from(name, 'utf8');
    if (nameBytes.length > 0xffff) {
      throw new StackmeterError('INVALID_ARGUMENT', `The bundle record name "${name.slice(0, 40)}..." is too long.`);
    }
    const frame = Buffer.alloc(2 + nameBytes.length + 8);
    frame.writeUInt16BE(nameBytes.length, 0);
    nameBytes.copy(frame, 2);
    frame.writeBigUInt64BE(BigInt(stored.length), 2 + nameBytes.length);
    parts.push(frame, stored);
  }
  return Buffer.concat(parts);
}

/**
 * Splits a container into its records without judging them. Throws a ContainerError for a foreign header, a version
 * this build does not read, a record cut short (with the byte offset and the record's name when known), or bytes
 * after the signature record.
 */
export function decodeContainer(file: Buffer): ContainerRecord[] {
  const magic = Buffer.from(BUNDLE_MAGIC, 'ascii');
  if (file.length < magic.length || !file.subarray(0, magic.length).equals(magic)) {
    throw new ContainerError('header',
      `the file does not start with "${BUNDLE_MAGIC}": it is not a Stackmeter bundle, or its first bytes were changed.`);
  }
  const newline = file.indexOf(0x0a, magic.length);
  const versionText = file.subarray(magic.length, newline === -1 ? Math.min(file.length, magic.length + 8) : newline)
    .toString('latin1');
  if (newline === -1 || newline > magic.length + 8 || !/^[0-9]+$/.test(versionText)) {
    throw new ContainerError('header', 'the header line is damaged: no container version follows the magic.');
  }
  if (versionText !== String(BUNDLE_VERSION)) {
    throw new ContainerError('header',
      `container version ${versionText} is not supported: this Stackmeter reads version ${BUNDLE_VERSION}.`);
  }

  const records: ContainerRecord[] = [];
  let at = newline + 1;
  while (at < file.length) {
    const offset = at;
    const index = records.length + 1;
    if (file.length - at < 2) throw cutShort(file, offset, `record ${index}'s name length`);
    const nameLength = file.readUInt16BE(at);
    at += 2;
    if (file.length - at < nameLength) throw cutShort(file, offset, `record ${index}'s name`);
    const name = file.subarray(at, at + nameLength).toString('utf8');
    at += nameLength;
    if (file.length - at < 8) throw cutShort(file, offset, `the length of record ${index} (${quote(name)})`);
    const declared = file.readBigUInt64BE(at);
    at += 8;
    if (BigInt(file.length - at) < declared) {
      throw cutShort(file, offset,
        `record ${index} (${quote(name)}), which declares ${declared} bytes from byte ${at} `
        + `but only ${file.length - at} remain`);
    }
    const length = Number(declared);
    records.push({ name, stored: file.subarray(at, at + length), offset });
    at += length;
    if (name === SIGNATURE_NAME && at < file.length) {
      // Checked before trying to read what follows as a record, so that appended bytes are called what they are.
      throw new ContainerError('container', `${file.length - at} bytes follow ${SIGNATURE_NAME}, `
        + `which ends at byte ${at}: something was appended to the bundle.`);
    }
  }
  return records;
}

function cutShort(file: Buffer, offset: number, what: string): ContainerError {
  return new ContainerError('container',
    `the file is truncated or damaged: it ends at byte ${file.length}, inside ${what} `
    + `(the record starts at byte ${offset}).`);
}

/** A record name for a message: printable, short. */
export function quote(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.length > 60 ? `${printable.slice(0, 60)}...` : printable}"`;
}
