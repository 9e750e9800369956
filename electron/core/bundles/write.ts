import { createHash, sign } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';
import { StackmeterError } from '../../shared/result.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { compareText } from '../rating/usage.ts';
import {
  AUDIT_NAME, BUNDLE_VERSION, ENTRY_COMPRESSION, MANIFEST_FORMAT, MANIFEST_NAME, SIGNATURE_NAME, encodeContainer,
  isValidEntryName, type BundleEntry, type Manifest,
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
  const privateKey = loadPrivateKey(privateKeyPem);
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (!isValidEntryName(name)) {
      throw new StackmeterError('INVALID_ARGUMENT', `"${name}" cannot name a bundle entry: use a lower-case file name `
        + `(letters, digits, ".", "-", "_"), other than ${MANIFEST_NAME} and ${SIGNATURE_NAME}.`);
    }
    if (seen.has(name)) throw new StackmeterError('INVALID_ARGUMENT', `The bundle entry ${name} is given twice.`);
    seen.add(name);
  }
  if (!seen.has(AUDIT_NAME)) {
    throw new StackmeterError('INVALID_ARGUMENT', `A bundle must carry the audit log (${AUDIT_NAME}), even empty.`);
  }
  if (Number.isNaN(meta.createdAt.getTime())) {
    throw new StackmeterError('INVALID_ARGUMENT', 'The bundle creation time is not a valid date.');
  }

  const sorted = [...entries].sort((a, b) => compareText(a.name, b.name));
  const raw = rawPublicKey(privateKey);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: meta.createdAt.toISOString(),
    stamps: [...new Set(meta.stamps)].sort(),
    period: { from: meta.period.from, to: meta.period.to },
    compression: ENTRY_COMPRESSION,
    entries: sorted.map(({ name, bytes }) => ({
      name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
    })),
    publicKey: raw.toString('base64'),
    keyFingerprint: fingerprintOfRaw(raw),
  };
  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  // Ed25519 is deterministic: the same manifest and key always give the same signature.
  const signature = sign(null, manifestBytes, privateKey);

  return encodeContainer([
    ...sorted.map(({ name, bytes }) => ({
      name, stored: deflateRawSync(bytes, { level: constants.Z_BEST_COMPRESSION }),
    })),
    { name: MANIFEST_NAME, stored: manifestBytes },
    { name: SIGNATURE_NAME, stored: signature },
  ]);
}
