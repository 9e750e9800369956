import { createPrivateKey } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { BundleKeyInfo, TrustedKey } from '../../shared/bundles.ts';
import { StackmeterError } from '../../shared/result.ts';
import { appendAudit, type Actor } from '../chargeback/audit-log.ts';
import type { SecretProtector } from '../types.ts';
import { generateInstallationKey, keyFingerprint, shortFingerprint } from './keys.ts';

/**
 * This installation's signing key and trust list in the cache (tables of migration 009).
 *
 * The private key is a credential and is treated like one (see secrets.ts): it never reaches the cache in plain text.
 * The desktop app encrypts it with the operating system's key for the user (safeStorage); elsewhere it is stored as
 * an encrypted PKCS#8 key (PBES2: AES-256-CBC under a PBKDF2 key derived from the passphrase, stored as DER) whose
 * passphrase comes from STACKMETER_BUNDLE_PASSPHRASE and is never stored; the minimum length below makes guessing it
 * from a copied cache impractical. With neither, an export fails and says what to set.
 */

export const PASSPHRASE_VARIABLE = 'STACKMETER_BUNDLE_PASSPHRASE';
/** Short passphrases fall to a guessing attack on a copied cache file. */
const MIN_PASSPHRASE = 12;

/** What can unlock the private key here. */
export interface KeyUnlock {
  protector?: SecretProtector;
  /** The passphrase, read from the environment by the caller; never stored. */
  passphrase?: string;
}

interface KeyRow {
  public_key_pem: string;
  fingerprint: string;
  protection: 'os' | 'passphrase';
  private_key_encrypted: Buffer;
  created_at: string;
}

function keyRow(db: Database.Database): KeyRow | undefined {
  return db.prepare('SELECT * FROM bundle_key WHERE id = 1').get() as KeyRow | undefined;
}

function info(row: KeyRow): BundleKeyInfo {
  return {
    fingerprint: row.fingerprint, shortFingerprint: shortFingerprint(row.fingerprint), createdAt: row.created_at,
    protection: row.protection,
  };
}

/** This installation's key, or null before the first export. */
export function installationKeyInfo(db: Database.Database): BundleKeyInfo | null {
  const row = keyRow(db);
  return row === undefined ? null : info(row);
}

function noProtection(): StackmeterError {
  return new StackmeterError('AUTH', 'Bundles are signed with this installation\'s private key, which is stored '
    + `encrypted. Set the environment variable ${PASSPHRASE_VARIABLE} to a passphrase of at least ${MIN_PASSPHRASE} `
    + 'characters (keep it: every later export needs the same one), or export from the desktop app, which encrypts '
    + 'the key with the operating system\'s keyring.');
}

/**
 * The private key (unencrypted PEM, to sign with and forget), made, encrypted and stored on first use (audited). The
 * operating system's encryption is preferred to a passphrase where both are available.
 */
export function unlockSigningKey(db: Database.Database, unlock: KeyUnlock, actor: Actor):
{ key: BundleKeyInfo; privateKeyPem: string } {
  const row = keyRow(db);
  if (row !== undefined) return { key: info(row), privateKeyPem: decryptPrivateKey(row, unlock) };

  const passphrase = unlock.passphrase;
  if (unlock.protector === undefined && (passphrase === undefined || passphrase === '')) throw noProtection();
  if (unlock.protector === undefined && passphrase !== undefined && passphrase.length < MIN_PASSPHRASE) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${PASSPHRASE_VARIABLE} is shorter than ${MIN_PASSPHRASE} characters: choose a longer passphrase.`);
  }
  const generated = generateInstallationKey();
  const protection = unlock.protector !== undefined ? 'os' : 'passphrase';
  const encrypted = unlock.protector !== undefined
    ? unlock.protector.encrypt(generated.privateKeyPem)
    : createPrivateKey(generated.privateKeyPem).export({
      type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: passphrase!,
    });
  const createdAt = actor.at.toISOString();
  db.transaction(() => {
    db.prepare(`INSERT INTO bundle_key (id, public_key_pem, fingerprint, protection, private_key_encrypted, created_at)
                VALUES (1, ?, ?, ?, ?, ?)`)
      .run(generated.publicKeyPem, generated.fingerprint, protection, encrypted, createdAt);
    appendAudit(db, {
      action: 'bundle.key-create', subject: `bundle-key:${shortFingerprint(generated.fingerprint)}`, reason: null,
      details: { fingerprint: generated.fingerprint, protection },
    }, actor.user, actor.at);
  }).immediate();
  return {
    key: { fingerprint: generated.fingerprint, shortFingerprint: shortFingerprint(generated.fingerprint), createdAt,
      protection },
    privateKeyPem: generated.privateKeyPem,
  };
}

function decryptPrivateKey(row: KeyRow, unlock: KeyUnlock): string {
  if (row.protection === 'os') {
    if (unlock.protector === undefined) {
      throw new StackmeterError('AUTH', 'This installation\'s signing key is encrypted by the desktop app with the '
        + 'operating system\'s keyring, which only the desktop app can use: export bundles from the desktop app.');
    }
    try {
      return unlock.protector.decrypt(row.private_key_encrypted);
    } catch (err) {
      throw new StackmeterError('AUTH', 'This installation\'s signing key could not be decrypted '
        + `(${(err as Error).message}): it was stored by another user or machine, or the keyring was reset.`);
    }
  }
  const passphrase = unlock.passphrase;
  if (passphrase === undefined || passphrase === '') {
    throw new StackmeterError('AUTH', 'This installation\'s signing key is encrypted with a passphrase: set the '
      + `environment variable ${PASSPHRASE_VARIABLE} to it.`);
  }
  try {
    const key = createPrivateKey({ key: row.private_key_encrypted, format: 'der', type: 'pkcs8', passphrase });
    const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    if (keyFingerprint(pem) !== row.fingerprint) throw new Error('the key does not match its fingerprint');
    return pem;
  } catch {
    throw new StackmeterError('AUTH', `The passphrase given (${PASSPHRASE_VARIABLE}, or typed when asked) is not the `
      + 'one this installation\'s signing key was encrypted with.');
  }
}

/** A fingerprint as a person may type it (any case, spaces or colons), as 64 lower-case hex digits. */
export function normaliseFingerprint(text: string): string {
  const digits = text.toLowerCase().replace(/[\s:]/g, '');
  if (!/^[0-9a-f]{64}$/.test(digits)) {
    throw new StackmeterError('INVALID_ARGUMENT', `"${text.slice(0, 80)}" is not a key fingerprint: give all 64 `
      + 'hexadecimal digits (stackmeter bundle key shows them; colons and spaces are ignored).');
  }
  return digits;
}

/** This installation's key first (always trusted), then every key added, by name. */
export function trustedKeys(db: Database.Database): TrustedKey[] {
  const own = keyRow(db);
  const rows = db.prepare(`SELECT fingerprint, name, added_at AS addedAt, added_by AS addedBy
                           FROM bundle_trusted_keys ORDER BY name, fingerprint`).all() as
    { fingerprint: string; name: string; addedAt: string; addedBy: string }[];
  return [
    ...(own === undefined ? [] : [{
      fingerprint: own.fingerprint, shortFingerprint: shortFingerprint(own.fingerprint), name: 'This installation',
      own: true, addedAt: own.created_at, addedBy: '',
    }]),
    ...rows.filter((r) => r.fingerprint !== own?.fingerprint)
      .map((r) => ({ ...r, shortFingerprint: shortFingerprint(r.fingerprint), own: false })),
  ];
}

/**
 * Adds a key to the trust list (or renames it), audited. Inside the caller's transaction when one is open (an import
 * that trusts its signer). Returns whether the key was new.
 */
export function trustKey(db: Database.Database, fingerprint: string, name: string, actor: Actor): boolean {
  const digits = normaliseFingerprint(fingerprint);
  const label = name.trim();
  if (label === '') throw new StackmeterError('INVALID_ARGUMENT', 'Give the trusted key a name (whose key it is).');
  const write = (): boolean => {
    const existing = db.prepare('SELECT name FROM bundle_trusted_keys WHERE fingerprint = ?').pluck()
      .get(digits) as string | undefined;
    if (existing === label || keyRow(db)?.fingerprint === digits) return false;
    db.prepare(`INSERT INTO bundle_trusted_keys (fingerprint, name, added_at, added_by) VALUES (?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET name = excluded.name`)
      .run(digits, label, actor.at.toISOString(), actor.user);
    appendAudit(db, {
      action: 'bundle.trust', subject: `bundle-key:${shortFingerprint(digits)}`, reason: null,
      details: { fingerprint: digits, name: label, renamed: existing !== undefined },
    }, actor.user, actor.at);
    return existing === undefined;
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}
