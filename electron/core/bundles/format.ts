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
 * Entries hold JSON or NDJSON (one JSON value per line, each line ending in "\n"): the usage chunks
 * usage-000001.ndjson, usage-000002.ndjson... (bundles written before chunks: one usage.ndjson), stamps.ndjson,
 * subscriptions.ndjson, meters.json, rate-cards.json, adjustments.json, statements.ndjson and audit.ndjson (export.ts
 * describes them). Entry records come sorted by name, so the usage chunks, which sort after every other entry, are
 * last: a writer streams them after the small entries, and a reader finds a chunk dropped or moved.
 * audit.ndjson is required: the whole audit log, one AuditEntry per line in seq order from seq 1, so that its hash
 * chain verifies from the zero hash.
 *
 * Entry records are stored as raw deflate (RFC 1951). The manifest lists, for every entry, its name, its length and
 * the SHA-256 of its UNCOMPRESSED bytes: what is hashed and signed is what gets imported, so a verdict never depends
 * on a zlib version reproducing the same compressed bytes. The manifest and the signature are stored as they are.
 *
 * The container is read by its frames alone (indexContainer): a reader learns every record's name, place and length
 * with a few positional reads, and reads, inflates and checks one entry at a time, so a bundle of any size is handled
 * in bounded memory.
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
export const ADJUSTMENTS_NAME = 'adjustments.json';
/** How entries are stored in the container. */
export const ENTRY_COMPRESSION = 'deflate-raw';

/** The entries a full export writes besides the usage chunks; any other well-named entry is carried as well. */
export const STANDARD_ENTRY_NAMES = [
  'stamps.ndjson', 'subscriptions.ndjson', 'meters.json', 'rate-cards.json', ADJUSTMENTS_NAME, 'statements.ndjson',
  AUDIT_NAME,
] as const;

/**
 * The most uncompressed bytes a reader accepts in one entry: the usage chunks hold 16 MiB, and bundles made before
 * chunks held at most this much. An entry listed larger is refused before it is inflated, so that no bundle, however
 * made, can make a reader hold more than this at once.
 */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

/** Usage before chunks: one entry of every record (bundles written by earlier versions; still imported). */
export const LEGACY_USAGE_NAME = 'usage.ndjson';
const USAGE_ENTRY = /^usage(-\d{6})?\.ndjson$/;

/** The name of the n-th usage chunk (from 1): usage-000001.ndjson. */
export function usageChunkName(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n > 999_999) {
    throw new StackmeterError('INVALID_ARGUMENT', `A bundle holds at most 999999 usage chunks (not ${n}).`);
  }
  return `usage-${String(n).padStart(6, '0')}.ndjson`;
}

/** A usage chunk, or the single usage entry of an older bundle: read one at a time, never kept. */
export function isUsageEntry(name: string): boolean {
  return USAGE_ENTRY.test(name);
}

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

/** One record as indexed from its frame: where its stored bytes are, not the bytes. */
export interface IndexedRecord {
  name: string;
  /** Byte offset of the record's start (its name length) in the file. */
  offset: number;
  /** Byte offset of its stored bytes. */
  dataOffset: number;
  /** Length of its stored bytes. */
  length: number;
}

/** A bundle's bytes, read by position: a Buffer in memory or an open file (file-source.ts). */
export interface BundleSource {
  readonly length: number;
  /** Exactly `length` bytes from `position`, which the caller keeps within the source. */
  read(position: number, length: number): Buffer;
}

export function bufferSource(file: Buffer): BundleSource {
  return { length: file.length, read: (position, length) => file.subarray(position, position + length) };
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
  for (const { name, stored } of records) parts.push(recordFrame(name, stored.length), stored);
  return Buffer.concat(parts);
}

/** What precedes a record's stored bytes: u16 name length, name, u64 stored length. */
export function recordFrame(name: string, storedLength: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 0xffff) {
    throw new StackmeterError('INVALID_ARGUMENT', `The bundle record name "${name.slice(0, 40)}..." is too long.`);
  }
  const frame = Buffer.alloc(2 + nameBytes.length + 8);
  frame.writeUInt16BE(nameBytes.length, 0);
  nameBytes.copy(frame, 2);
  frame.writeBigUInt64BE(BigInt(storedLength), 2 + nameBytes.length);
  return frame;
}

/**
 * Splits a container into its records without judging them. Throws a ContainerError for a foreign header, a version
 * this build does not read, a record cut short (with the byte offset and the record's name when known), or bytes
 * after the signature record.
 */
export function decodeContainer(file: Buffer): ContainerRecord[] {
  return indexContainer(bufferSource(file)).map(({ name, offset, dataOffset, length }) =>
    ({ name, offset, stored: file.subarray(dataOffset, dataOffset + length) }));
}

/** Longest header the reader looks at: the magic, up to 8 version digits, the newline. */
const HEADER_WINDOW = BUNDLE_MAGIC.length + 9;

/**
 * decodeContainer's records, from the frames alone: the header, then for each record its u16 name length, name and
 * u64 length, skipping the stored bytes. Same errors as decodeContainer, with the same messages.
 */
export function indexContainer(source: BundleSource): IndexedRecord[] {
  const magic = Buffer.from(BUNDLE_MAGIC, 'ascii');
  const head = source.read(0, Math.min(source.length, HEADER_WINDOW));
  if (head.length < magic.length || !head.subarray(0, magic.length).equals(magic)) {
    throw new ContainerError('header',
      `the file does not start with "${BUNDLE_MAGIC}": it is not a Stackmeter bundle, or its first bytes were changed.`);
  }
  const newline = head.indexOf(0x0a, magic.length);
  const versionText = head.subarray(magic.length, newline === -1 ? Math.min(head.length, magic.length + 8) : newline)
    .toString('latin1');
  if (newline === -1 || newline > magic.length + 8 || !/^[0-9]+$/.test(versionText)) {
    throw new ContainerError('header', 'the header line is damaged: no container version follows the magic.');
  }
  if (versionText !== String(BUNDLE_VERSION)) {
    throw new ContainerError('header',
      `container version ${versionText} is not supported: this Stackmeter reads version ${BUNDLE_VERSION}.`);
  }

  const size = source.length;
  const records: IndexedRecord[] = [];
  let at = newline + 1;
  while (at < size) {
    const offset = at;
    const index = records.length + 1;
    if (size - at < 2) throw cutShort(size, offset, `record ${index}'s name length`);
    const nameLength = source.read(at, 2).readUInt16BE(0);
    at += 2;
    if (size - at < nameLength) throw cutShort(size, offset, `record ${index}'s name`);
    const name = source.read(at, nameLength).toString('utf8');
    at += nameLength;
    if (size - at < 8) throw cutShort(size, offset, `the length of record ${index} (${quote(name)})`);
    const declared = source.read(at, 8).readBigUInt64BE(0);
    at += 8;
    if (BigInt(size - at) < declared) {
      throw cutShort(size, offset,
        `record ${index} (${quote(name)}), which declares ${declared} bytes from byte ${at} `
        + `but only ${size - at} remain`);
    }
    const length = Number(declared);
    records.push({ name, offset, dataOffset: at, length });
    at += length;
    if (name === SIGNATURE_NAME && at < size) {
      // Checked before trying to read what follows as a record, so that appended bytes are called what they are.
      throw new ContainerError('container', `${size - at} bytes follow ${SIGNATURE_NAME}, `
        + `which ends at byte ${at}: something was appended to the bundle.`);
    }
  }
  return records;
}

function cutShort(size: number, offset: number, what: string): ContainerError {
  return new ContainerError('container',
    `the file is truncated or damaged: it ends at byte ${size}, inside ${what} `
    + `(the record starts at byte ${offset}).`);
}

/** A record name for a message: printable, short. */
export function quote(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.length > 60 ? `${printable.slice(0, 60)}...` : printable}"`;
}
