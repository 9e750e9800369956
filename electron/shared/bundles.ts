import type { ExportResult, UsagePeriod } from './domain.ts';

/**
 * Offline bundles as the console and the CLI see them: this installation's signing key, the keys it trusts, an export,
 * a verification report and an import's counts. The format itself is described in electron/core/bundles/format.ts.
 */

/** The file extension of a bundle. */
export const BUNDLE_EXTENSION = '.smb';

/** This installation's signing key; the private half never leaves the core. */
export interface BundleKeyInfo {
  /** SHA-256 (lower-case hex, 64 digits) of the raw Ed25519 public key. */
  fingerprint: string;
  /** The first 16 digits in groups of four, for a person to read out and compare. */
  shortFingerprint: string;
  createdAt: string;
  /** How the private key is kept: encrypted by the operating system, or with a passphrase. */
  protection: 'os' | 'passphrase';
}

/** A key whose bundles this installation imports. */
export interface TrustedKey {
  fingerprint: string;
  shortFingerprint: string;
  name: string;
  /** True for this installation's own key, which is always trusted. */
  own: boolean;
  addedAt: string;
  addedBy: string;
}

export interface BundleExportInput {
  period: UsagePeriod;
  /** Only these stamps (connection names); absent: every stamp and the imports not tied to one. */
  stamps?: string[];
}

/** How many items each entry of a bundle holds. */
export interface BundleCounts {
  usage: number;
  stamps: number;
  subscriptions: number;
  meters: number;
  meterOverrides: number;
  rateCardVersions: number;
  adjustments: number;
  statements: number;
  auditEntries: number;
}

export interface BundleExportResult extends ExportResult {
  fingerprint: string;
  shortFingerprint: string;
  counts: BundleCounts;
}

/** One check of `bundle verify`, in the order they ran. */
export interface BundleCheckRow {
  /**
   * header, container, manifest, key, signature, trusted-key, present, listed, decompress, size, sha256 or audit-chain
   */
  check: string;
  /** What was checked: the file name, an entry name, or a key fingerprint. */
  subject: string;
  ok: boolean;
  detail: string;
}

export interface BundleVerification {
  ok: boolean;
  fileName: string;
  /** Null when the manifest could not be read. */
  manifest: {
    createdAt: string;
    stamps: string[];
    period: UsagePeriod;
    entries: { name: string; bytes: number; sha256: string }[];
  } | null;
  /** The key that signed it; null when the manifest could not be read. */
  signer: {
    fingerprint: string;
    shortFingerprint: string;
    /** The trust list's name for it; null when it is not trusted. */
    trustedAs: string | null;
    own: boolean;
  } | null;
  checks: BundleCheckRow[];
}

/** What an import did with one kind of content. */
export interface BundleImportCount {
  /** usage, stamps, subscriptions, meter overrides, rate card versions, statements, audit entries */
  what: string;
  added: number;
  /** Already in the cache exactly so. */
  present: number;
  /** Usage rows whose quantity changed, subscriptions whose details changed, overrides kept as set locally. */
  other: number;
  /** What `other` means for this kind; empty when it is always 0. */
  otherLabel: string;
}

export interface BundleImportResult {
  fileName: string;
  signer: { fingerprint: string; shortFingerprint: string; name: string };
  /** SHA-256 of the bundle's manifest, as the audit log records the import. */
  manifestSha256: string;
  period: UsagePeriod;
  stamps: string[];
  /** True when this import added the signer to the trust list. */
  newlyTrusted: boolean;
  counts: BundleImportCount[];
}

/**
 * How far a bundle export, verification or import has come, reported once per usage chunk (the `bundles:progress`
 * event). An import reports its verify pass, then its write pass, each from 0 to its total.
 */
export interface BundleProgress {
  operation: 'export' | 'import' | 'verify';
  /** The bundle; an export's is the name it is written under (published with a suffix if that name is taken). */
  fileName: string;
  /** A short word: 'writing' (export), 'verifying' (the checks, also import's first pass), 'importing'. */
  phase: string;
  done: number;
  total: number;
  /** Export counts usage records (its total from the hourly rollup); verify and import count usage chunks. */
  unit: 'records' | 'chunks';
  /** 0 to 100; 100 when the total is 0. */
  percent: number;
}

/** A progress report, its percent computed; `done` never beyond `total`. */
export function bundleProgress(p: Omit<BundleProgress, 'percent'>): BundleProgress {
  const total = Math.max(p.total, p.done);
  return { ...p, total, percent: total === 0 ? 100 : (p.done / total) * 100 };
}
