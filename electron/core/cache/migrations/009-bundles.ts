import type { Migration } from './types.ts';

/**
 * Offline bundles (electron/core/bundles):
 *
 * - `bundle_key`: this installation's Ed25519 signing key, one row, made on the first export. The public key and its
 *   fingerprint are stored in clear; the private key only encrypted: by the operating system (`protection` 'os': the
 *   desktop app's safeStorage) or as an encrypted PKCS#8 key whose passphrase never enters the cache ('passphrase').
 * - `bundle_trusted_keys`: the other installations whose bundles may be imported, by key fingerprint. This
 *   installation's own key is always trusted and is not listed here.
 * - `imported_audit_log`: the audit log entries carried by imported bundles, keyed by the signer's key fingerprint
 *   and the entry's seq in the signer's own chain. They cannot join the local chain (their hashes chain to the other
 *   installation's entries), so they are kept beside it; importing the same entries again changes nothing.
 * - Stamps that arrive in a bundle but were never signed in to here are connections with secret_source 'imported':
 *   their usage has an owner and a name, and a sync of them is refused until they are added with a credential.
 */
export const migration009: Migration = {
  version: 9,
  name: 'offline bundles: installation signing key, trusted keys, imported audit log entries',
  up(db) {
    db.exec(`
      CREATE TABLE bundle_key (
        id                     INTEGER PRIMARY KEY CHECK (id = 1),
        public_key_pem         TEXT NOT NULL,
        fingerprint            TEXT NOT NULL, -- SHA-256 (hex) of the raw public key
        protection             TEXT NOT NULL CHECK (protection IN ('os', 'passphrase')),
        -- 'os': the PEM encrypted by the operating system; 'passphrase': encrypted PKCS#8 DER (never plain text)
        private_key_encrypted  BLOB NOT NULL,
        created_at             TEXT NOT NULL
      );

      CREATE TABLE bundle_trusted_keys (
        fingerprint TEXT PRIMARY KEY, -- SHA-256 (hex) of the raw public key
        name        TEXT NOT NULL,
        added_at    TEXT NOT NULL,
        added_by    TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE imported_audit_log (
        signer_fingerprint TEXT NOT NULL,
        seq                INTEGER NOT NULL,
        at                 TEXT NOT NULL,
        user               TEXT NOT NULL,
        action             TEXT NOT NULL,
        subject            TEXT NOT NULL,
        reason             TEXT,
        details            TEXT CHECK (details IS NULL OR json_valid(details)),
        prev_hash          TEXT NOT NULL,
        hash               TEXT NOT NULL,
        PRIMARY KEY (signer_fingerprint, seq)
      ) WITHOUT ROWID;
    `);
  },
};
