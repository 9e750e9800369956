import { canonicalJson } from '../chargeback/canonical-json.ts';
import {
  BUNDLE_VERSION, ENTRY_COMPRESSION, MANIFEST_FORMAT, MANIFEST_NAME, SHA256_HEX, isValidEntryName, type Manifest,
} from './format.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Reads the manifest record: UTF-8, JSON, in canonical form (so that the signed bytes are the only text of what is
 * parsed), of this format and version, every field of the expected type. Returns the manifest or what is wrong.
 */
export function parseManifest(bytes: Buffer): Manifest | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `${MANIFEST_NAME} is not UTF-8 text.`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `${MANIFEST_NAME} is not valid JSON (${(err as Error).message}).`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${MANIFEST_NAME} is not an object.`;
  const m = value as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT) return `${MANIFEST_NAME} does not describe a Stackmeter bundle (format).`;
  if (m.version !== BUNDLE_VERSION) {
    return `manifest version ${JSON.stringify(m.version)} is not supported: `
      + `this Stackmeter reads version ${BUNDLE_VERSION}.`;
  }
  const problem = fieldProblem(m);
  if (problem !== null) return `${MANIFEST_NAME}: ${problem}`;
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch {
    return `${MANIFEST_NAME} holds a value canonical JSON cannot write.`;
  }
  if (canonical !== text) return `${MANIFEST_NAME} is not in canonical form: it was rewritten after it was signed.`;
  return value as Manifest;
}

function fieldProblem(m: Record<string, unknown>): string | null {
  const known = new Set(['format', 'version', 'createdAt', 'stamps', 'period', 'compression', 'entries', 'publicKey',
    'keyFingerprint']);
  const unknown = Object.keys(m).filter((key) => !known.has(key));
  if (unknown.length > 0) return `unknown field ${unknown.join(', ')}.`;
  if (typeof m.createdAt !== 'string' || !ISO_INSTANT.test(m.createdAt)) {
    return 'createdAt is not an ISO 8601 UTC instant.';
  }
  if (!Array.isArray(m.stamps) || !m.stamps.every((s) => typeof s === 'string')) return 'stamps is not a list of names.';
  const period = m.period as Record<string, unknown> | null;
  if (typeof period !== 'object' || period === null || typeof period.from !== 'string' || typeof period.to !== 'string'
    || Object.keys(period).length !== 2) {
    return 'period is not {from, to}.';
  }
  if (m.compression !== ENTRY_COMPRESSION) {
    return `compression ${JSON.stringify(m.compression)} is not supported (expected "${ENTRY_COMPRESSION}").`;
  }
  if (typeof m.publicKey !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(m.publicKey)) {
    return 'publicKey is not a base64 32-byte key.';
  }
  if (typeof m.keyFingerprint !== 'string' || !SHA256_HEX.test(m.keyFingerprint)) {
    return 'keyFingerprint is not a SHA-256 hex digest.';
  }
  if (!Array.isArray(m.entries)) return 'entries is not a list.';
  const names = new Set<string>();
  for (const [i, entry] of (m.entries as unknown[]).entries()) {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || Object.keys(e).length !== 3) {
      return `entries[${i}] is not {name, bytes, sha256}.`;
    }
    if (typeof e.name !== 'string' || !isValidEntryName(e.name)) return `entries[${i}] has an invalid name.`;
    if (names.has(e.name)) return `entry ${e.name} is listed twice.`;
    names.add(e.name);
    if (typeof e.bytes !== 'number' || !Number.isSafeInteger(e.bytes) || e.bytes < 0) {
      return `entry ${e.name}: bytes is not a length.`;
    }
    if (typeof e.sha256 !== 'string' || !SHA256_HEX.test(e.sha256)) {
      return `entry ${e.name}: sha256 is not a SHA-256 hex digest.`;
    }
  }
  return null;
}
