/**
 * Auditor mode: a cache or a bundle opened read-only by someone who reviews the numbers, often on another network.
 * Nothing is synced, changed or appended to the audit log; the console says so in its title bar.
 */

/** What a read-only console was opened on. */
export type ReadOnlySource = 'cache' | 'bundle';

/** How app:info describes auditor mode. */
export interface ReadOnlyInfo {
  source: ReadOnlySource;
  /** The file the auditor opened: the cache file, or the bundle (never the temporary cache a bundle is read into). */
  path: string;
  /** A bundle's signing key fingerprint (SHA-256, hex); null for a cache. */
  fingerprint: string | null;
  /** What a bundle's signed manifest says it holds; null for a cache. */
  bundle: BundleIdentity | null;
  /** When this console opened it (ISO 8601, UTC). */
  openedAt: string;
}

/** A bundle as its manifest identifies it. */
export interface BundleIdentity {
  /** SHA-256 of the manifest (which holds every entry's SHA-256): the bundle's identity, as imports record it. */
  manifestSha256: string;
  period: { from: string; to: string };
  stamps: string[];
}

/** The formats of the printable audit trail. */
export type AuditExportFormat = 'pdf' | 'csv';
export const AUDIT_EXPORT_FORMATS: readonly AuditExportFormat[] = ['pdf', 'csv'];

/** Why a change is refused in auditor mode: the one sentence every refusal starts with. */
export const READ_ONLY_REFUSAL = 'This console is in auditor mode (read-only)';
