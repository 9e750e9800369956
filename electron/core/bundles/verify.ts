import { createHash, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { checkAuditChain } from './audit-chain.ts';
import {
  AUDIT_NAME, BUNDLE_VERSION, ContainerError, MANIFEST_NAME, SIGNATURE_NAME, decodeContainer, quote,
  type BundleEntry, type ContainerRecord, type Manifest,
} from './format.ts';
import { fingerprintOfRaw, publicKeyFromRaw, shortFingerprint } from './keys.ts';
import { parseManifest } from './manifest.ts';

/**
 * Everything `bundle verify` checks, in order, each with what it was checked on: the header, the container's records,
 * the manifest, the key, the signature, the trust list (when one is given), every entry (present, decompresses to
 * the listed size, SHA-256 matches; no entry that is not listed) and the audit log's hash chain. Needs no network and
 * no cache. A check that cannot run because an earlier one failed is left out, rather than reported as passed.
 */

export type BundleCheckName =
  | 'header' // magic and container version
  | 'container' // records complete, manifest and signature last, no duplicates, nothing appended
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
}

export function verifyBundle(file: Buffer, fileName: string, options: VerifyOptions = {}): BundleReport {
  return inspectBundle(file, fileName, options).report;
}

/** The report, and the uncompressed entries that passed their checks (all of them when the report is ok). */
export function inspectBundle(file: Buffer, fileName: string, options: VerifyOptions):
{ report: BundleReport; entries: BundleEntry[] } {
  const checks: BundleCheck[] = [];
  const entries: BundleEntry[] = [];
  const done = (manifest: Manifest | null) =>
    ({ report: { ok: checks.every((c) => c.ok), fileName, manifest, checks }, entries });
  const pass = (check: BundleCheckName, subject: string, detail: string) =>
    checks.push({ check, subject, ok: true, detail });
  const fail = (check: BundleCheckName, subject: string, detail: string) =>
    checks.push({ check, subject, ok: false, detail });

  let records: ContainerRecord[];
  try {
    records = decodeContainer(file);
  } catch (err) {
    if (!(err instanceof ContainerError)) throw err;
    if (err.check === 'container') pass('header', fileName, `Stackmeter bundle, container version ${BUNDLE_VERSION}.`);
    fail(err.check, fileName, capitalise(err.message));
    return done(null);
  }
  pass('header', fileName, `Stackmeter bundle, container version ${BUNDLE_VERSION}.`);

  const layoutProblem = containerLayoutProblem(records, file.length);
  if (layoutProblem !== null) {
    fail('container', fileName, layoutProblem);
    return done(null);
  }
  pass('container', fileName, `${records.length} records, the last two ${MANIFEST_NAME} and ${SIGNATURE_NAME}.`);

  const manifestRecord = records[records.length - 2]!;
  const signatureRecord = records[records.length - 1]!;
  const manifest = parseManifest(manifestRecord.stored);
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
  if (signatureRecord.stored.length === 64 && verify(null, manifestRecord.stored, key, signatureRecord.stored)) {
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

  const stored = new Map(records.slice(0, -2).map((r) => [r.name, r]));
  const listed = new Set(manifest.entries.map((e) => e.name));
  for (const entry of manifest.entries) {
    const bytes = checkEntry(entry, stored.get(entry.name), fail);
    if (bytes === null) continue;
    pass('sha256', entry.name, `${entry.bytes} bytes, SHA-256 ${entry.sha256.slice(0, 16)}... matches.`);
    entries.push({ name: entry.name, bytes });
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

/** The uncompressed bytes of an entry that passed present/decompress/size/sha256, or null after reporting the failure. */
function checkEntry(entry: Manifest['entries'][number], record: ContainerRecord | undefined,
  fail: (check: BundleCheckName, subject: string, detail: string) => void): Buffer | null {
  if (record === undefined) {
    fail('present', entry.name, `The entry ${entry.name} listed in ${MANIFEST_NAME} is not in the file: it was removed.`);
    return null;
  }
  let bytes: Buffer;
  try {
    // Never inflate past the listed size: a damaged or hostile entry cannot make the reader allocate more.
    bytes = inflateRawSync(record.stored, { maxOutputLength: Math.max(1, entry.bytes) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      fail('size', entry.name,
        `The entry ${entry.name} holds more than the ${entry.bytes} bytes ${MANIFEST_NAME} lists.`);
    } else {
      fail('decompress', entry.name, `The entry ${entry.name} (stored at byte ${record.offset}) cannot be decompressed: `
        + 'its bytes were changed or cut.');
    }
    return null;
  }
  if (bytes.length !== entry.bytes) {
    fail('size', entry.name,
      `The entry ${entry.name} holds ${bytes.length} bytes; ${MANIFEST_NAME} lists ${entry.bytes}.`);
    return null;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== entry.sha256) {
    fail('sha256', entry.name, `SHA-256 mismatch of entry ${entry.name}: its contents are not those that were signed `
      + `(found ${sha256.slice(0, 16)}..., listed ${entry.sha256.slice(0, 16)}...).`);
    return null;
  }
  return bytes;
}

/** The records end with the manifest then the signature, and no name appears twice. */
function containerLayoutProblem(records: ContainerRecord[], fileLength: number): string | null {
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
  return null;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
