import { createHash, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { checkAuditChain } from './audit-chain.ts';
import { compareText } from '../rating/usage.ts';
import { withBundleFile } from './file-source.ts';
import {
  AUDIT_NAME, BUNDLE_VERSION, ContainerError, MANIFEST_NAME, MAX_ENTRY_BYTES, SIGNATURE_NAME, bufferSource, indexContainer, quote,
  isUsageEntry, type BundleEntry, type BundleSource, type IndexedRecord, type Manifest,
} from './format.ts';
import { fingerprintOfRaw, publicKeyFromRaw, shortFingerprint } from './keys.ts';
import { parseManifest } from './manifest.ts';

/**
 * Everything `bundle verify` checks, in order, each with what it was checked on: the header, the container's records,
 * the manifest, the key, the signature, the trust list (when one is given), every entry (present, decompresses to
 * the listed size, SHA-256 matches; no entry that is not listed) and the audit log's hash chain. Needs no network and
 * no cache. A check that cannot run because an earlier one failed is left out, rather than reported as passed.
 *
 * One implementation reads both a Buffer and a file (a BundleSource): the records are indexed from their frames, and
 * each entry's stored bytes are read, inflated and hashed one entry at a time, so a file of any size is verified in
 * the memory of its largest entry.
 */

export type BundleCheckName =
  | 'header' // magic and container version
  | 'container' // records complete, entries sorted by name, manifest and signature last, no duplicates, nothing appended
  | 'manifest' // UTF-8 canonical JSON of this format and version
  | 'key' // the manifest's public key is an Ed25519 key with the stated fingerprint
  | 'signature' // Ed25519 signature over the manifest bytes
  | 'trusted-key' // the key's fingerprint is in the caller's trust list
  | 'present' // an entry listed in the manifest is in the container
  | 'listed' // an entry in the container is listed in the manifest
  | 'decompress' // an entry inflates
  | 'size' // an entry's length is the listed one
  | 'sha256' // an entry's SHA-256 is the listed one
  | 'audit-chain'; // the audit log's hash chain is intact

export interface BundleCheck {
  check: BundleCheckName;
  /** What was checked: the file name, an entry name, or a key fingerprint. */
  subject: string;
  ok: boolean;
  detail: string;
}

export interface BundleReport {
  ok: boolean;
  fileName: string;
  /** The manifest when it could be read (even if a later check failed); null otherwise. */
  manifest: Manifest | null;
  checks: BundleCheck[];
}

export interface VerifyOptions {
  /** Key fingerprints (64 hex digits; case, spaces and colons ignored) whose bundles are accepted. */
  trusted?: string[];
  /** Called before the entries are checked and after each usage chunk: chunks checked of those the manifest lists. */
  onUsageChunk?: (done: number, total: number) => void;
}

export function verifyBundle(file: Buffer, fileName: string, options: VerifyOptions = {}): BundleReport {
  return inspectSource(bufferSource(file), fileName, options, () => false).report;
}

/** verifyBundle of a file, read by position one entry at a time. NOT_FOUND when the file cannot be read. */
export function verifyBundleFile(path: string, fileName: string, options: VerifyOptions = {}): BundleReport {
  return withBundleFile(path, `The bundle ${fileName}`,
    (file) => inspectSource(file, fileName, options, () => false).report);
}

/** The report, and the uncompressed entries that passed their checks (all of them when the report is ok). */
export function inspectBundle(file: Buffer, fileName: string, options: VerifyOptions):
{ report: BundleReport; entries: BundleEntry[] } {
  const { report, entries } = inspectSource(bufferSource(file), fileName, options, () => true);
  return { report, entries };
}

export interface Inspection {
  report: BundleReport;
  /** The uncompressed entries that passed their checks and that `keep` asked for, and always the audit log. */
  entries: BundleEntry[];
  /** Every entry record of the container by name, where its stored bytes are (empty when it could not be indexed). */
  records: Map<string, IndexedRecord>;
}

/**
 * Every check on a bundle's bytes. Each entry is inflated and hashed, then kept (when `keep` says so, or it is the
 * audit log, whose chain is checked) or let go before the next is read.
 */
export function inspectSource(source: BundleSource, fileName: string, options: VerifyOptions,
  keep: (name: string) => boolean): Inspection {
  const checks: BundleCheck[] = [];
  const entries: BundleEntry[] = [];
  let stored = new Map<string, IndexedRecord>();
  const done = (manifest: Manifest | null): Inspection =>
    ({ report: { ok: checks.every((c) => c.ok), fileName, manifest, checks }, entries, records: stored });
  const pass = (check: BundleCheckName, subject: string, detail: string) =>
    checks.push({ check, subject, ok: true, detail });
  const fail = (check: BundleCheckName, subject: string, detail: string) =>
    checks.push({ check, subject, ok: false, detail });

  let records: IndexedRecord[];
  try {
    records = indexContainer(source);
  } catch (err) {
    if (!(err instanceof ContainerError)) throw err;
    if (err.check === 'container') pass('header', fileName, `Stackmeter bundle, container version ${BUNDLE_VERSION}.`);
    fail(err.check, fileName, capitalise(err.message));
    return done(null);
  }
  pass('header', fileName, `Stackmeter bundle, container version ${BUNDLE_VERSION}.`);

  const layoutProblem = containerLayoutProblem(records, source.length);
  if (layoutProblem !== null) {
    fail('container', fileName, layoutProblem);
    return done(null);
  }
  pass('container', fileName, `${records.length} records, the last two ${MANIFEST_NAME} and ${SIGNATURE_NAME}.`);

  const manifestRecord = records[records.length - 2]!;
  const signatureRecord = records[records.length - 1]!;
  const manifestBytes = source.read(manifestRecord.dataOffset, manifestRecord.length);
  const manifest = parseManifest(manifestBytes);
  if (typeof manifest === 'string') {
    fail('manifest', MANIFEST_NAME, capitalise(manifest));
    return done(null);
  }
  const stamps = manifest.stamps.length > 0 ? `, stamps ${manifest.stamps.join(', ')}` : '';
  pass('manifest', MANIFEST_NAME, `${manifest.entries.length} entries, created ${manifest.createdAt}, period `
    + `${manifest.period.from} to ${manifest.period.to}${stamps}.`);

  const raw = Buffer.from(manifest.publicKey, 'base64');
  const key = publicKeyFromRaw(raw);
  const short = shortFingerprint(manifest.keyFingerprint);
  if (key === null) {
    fail('key', MANIFEST_NAME, 'The public key in the manifest is not a valid Ed25519 key.');
    return done(manifest);
  }
  if (fingerprintOfRaw(raw) !== manifest.keyFingerprint) {
    fail('key', MANIFEST_NAME, 'The key fingerprint in the manifest is not that of its public key.');
    return done(manifest);
  }
  pass('key', MANIFEST_NAME, `Ed25519 key ${short}.`);

  // The signature cannot tell which of the two changed: a flipped byte in either makes it fail the same way.
  if (signatureRecord.length === 64
    && verify(null, manifestBytes, key, source.read(signatureRecord.dataOffset, signatureRecord.length))) {
    pass('signature', SIGNATURE_NAME, `Valid Ed25519 signature over ${MANIFEST_NAME} by key ${short}.`);
  } else {
    fail('signature', SIGNATURE_NAME, `The signature does not match ${MANIFEST_NAME} and the key it names: `
      + `${SIGNATURE_NAME} or ${MANIFEST_NAME} was changed after signing.`);
  }

  if (options.trusted !== undefined) {
    const trusted = new Set(options.trusted.map((f) => f.toLowerCase().replace(/[\s:]/g, '')));
    if (trusted.has(manifest.keyFingerprint)) pass('trusted-key', short, `Key ${short} is trusted.`);
    else fail('trusted-key', short, `Key not trusted: ${short} (${manifest.keyFingerprint}) is not in the trust list.`);
  }

  stored = new Map(records.slice(0, -2).map((r) => [r.name, r]));
  const listed = new Set(manifest.entries.map((e) => e.name));
  const usageChunks = manifest.entries.filter((e) => isUsageEntry(e.name)).length;
  let usageChecked = 0;
  options.onUsageChunk?.(0, usageChunks);
  for (const entry of manifest.entries) {
    const record = stored.get(entry.name);
    const bytes = checkEntry(entry, record, record === undefined ? null : readStored(source, record), fail);
    if (isUsageEntry(entry.name)) options.onUsageChunk?.(++usageChecked, usageChunks);
    if (bytes === null) continue;
    pass('sha256', entry.name, `${entry.bytes} bytes, SHA-256 ${entry.sha256.slice(0, 16)}... matches.`);
    if (entry.name === AUDIT_NAME || keep(entry.name)) entries.push({ name: entry.name, bytes });
  }
  for (const record of stored.values()) {
    if (!listed.has(record.name)) {
      fail('listed', record.name, `The entry ${quote(record.name)} at byte ${record.offset} is not listed in `
        + `${MANIFEST_NAME}: it was added after signing.`);
    }
  }

  const audit = entries.find((e) => e.name === AUDIT_NAME);
  if (!listed.has(AUDIT_NAME)) {
    fail('audit-chain', AUDIT_NAME, `The bundle carries no audit log (${AUDIT_NAME}).`);
  } else if (audit !== undefined) {
    const chain = checkAuditChain(audit.bytes);
    (chain.ok ? pass : fail)('audit-chain', AUDIT_NAME, capitalise(chain.detail));
  }
  return done(manifest);
}

function readStored(source: BundleSource, record: IndexedRecord): Buffer {
  return source.read(record.dataOffset, record.length);
}

/**
 * An entry's stored bytes inflated and checked against the manifest: its uncompressed bytes, or what is wrong with
 * them as a failed check's detail. Import reads each usage chunk again with it, so that what is written is what was
 * verified even if the file changed in between.
 */
export function inflateEntry(entry: Manifest['entries'][number], record: IndexedRecord, stored: Buffer):
{ bytes: Buffer } | { check: 'decompress' | 'size' | 'sha256'; detail: string } {
  if (entry.bytes > MAX_ENTRY_BYTES) {
    return { check: 'size', detail: `The entry ${entry.name} is listed with ${entry.bytes} bytes, more than the `
      + `${MAX_ENTRY_BYTES} a bundle entry may hold: it was not written by Stackmeter.` };
  }
  let bytes: Buffer;
  try {
    // Never inflate past the listed size: a damaged or hostile entry cannot make the reader allocate more.
    bytes = inflateRawSync(stored, { maxOutputLength: Math.max(1, entry.bytes) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { check: 'size', detail: `The entry ${entry.name} holds more than the ${entry.bytes} bytes `
        + `${MANIFEST_NAME} lists.` };
    }
    return { check: 'decompress', detail: `The entry ${entry.name} (stored at byte ${record.offset}) cannot be `
      + 'decompressed: its bytes were changed or cut.' };
  }
  if (bytes.length !== entry.bytes) {
    return { check: 'size', detail: `The entry ${entry.name} holds ${bytes.length} bytes; ${MANIFEST_NAME} lists `
      + `${entry.bytes}.` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== entry.sha256) {
    return { check: 'sha256', detail: `SHA-256 mismatch of entry ${entry.name}: its contents are not those that were `
      + `signed (found ${sha256.slice(0, 16)}..., listed ${entry.sha256.slice(0, 16)}...).` };
  }
  return { bytes };
}

/** The uncompressed bytes of an entry that passed present/decompress/size/sha256, or null after reporting the failure. */
function checkEntry(entry: Manifest['entries'][number], record: IndexedRecord | undefined, stored: Buffer | null,
  fail: (check: BundleCheckName, subject: string, detail: string) => void): Buffer | null {
  if (record === undefined || stored === null) {
    fail('present', entry.name, `The entry ${entry.name} listed in ${MANIFEST_NAME} is not in the file: it was removed.`);
    return null;
  }
  const inflated = inflateEntry(entry, record, stored);
  if ('bytes' in inflated) return inflated.bytes;
  fail(inflated.check, entry.name, inflated.detail);
  return null;
}

/**
 * The records end with the manifest then the signature, no name appears twice, and the entries come sorted by name as
 * every writer writes them: usage chunks moved around in the container are refused, not silently read in another
 * order.
 */
function containerLayoutProblem(records: IndexedRecord[], fileLength: number): string | null {
  const last = records.at(-1);
  if (last?.name !== SIGNATURE_NAME) {
    return last === undefined
      ? `The file holds nothing after its header: it is truncated at byte ${fileLength}.`
      : `The file ends at byte ${fileLength}, after the record ${quote(last.name)}, without ${SIGNATURE_NAME}: `
        + 'it is truncated, or the signature was removed.';
  }
  if (records.at(-2)?.name !== MANIFEST_NAME) {
    return `${MANIFEST_NAME} is not right before ${SIGNATURE_NAME}: the manifest is missing or was moved.`;
  }
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.name)) return `The record ${quote(record.name)} appears twice (again at byte ${record.offset}).`;
    seen.add(record.name);
  }
  const entries = records.slice(0, -2);
  for (let i = 1; i < entries.length; i++) {
    const before = entries[i - 1]!;
    const record = entries[i]!;
    if (compareText(before.name, record.name) > 0) {
      return `The record ${quote(record.name)} at byte ${record.offset} comes after ${quote(before.name)}: entries `
        + 'are written sorted by name, so records were moved after signing.';
    }
  }
  return null;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
