import { X509Certificate } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ApiKind, AuthType, ConnectionRow, CredentialType, SyncRunRow } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { isoFromDate } from './iso.ts';
import { latestPerConnection } from './sync-runs.ts';

/**
 * A connection as the core has validated and discovered it, ready to store. Holds no credential in plain text: only
 * where it lives, or (protected) its form encrypted by the operating system.
 */
export interface NewConnection {
  name: string;
  armEndpoint: string;
  kind: ApiKind;
  authType: AuthType;
  loginEndpoint: string;
  audience: string;
  /** The Entra ID directory; null for AD FS. */
  tenantId: string | null;
  clientId: string;
  credentialType: CredentialType;
  /** `env:NAME`, `file:/absolute/path`, `session` or `protected`. */
  secretSource: string;
  /** `protected` only: the credential encrypted by the operating system. */
  secretBlob: Buffer | null;
  caPem: string | null;
  proxy: string | null;
  /** Operator: the provider subscription. Tenant: the one subscription read, or null for all the principal sees. */
  providerSubscriptionId: string | null;
}

export interface StoredConnection extends NewConnection {
  id: number;
  createdAt: string;
}

const COLUMNS = `
  id, name, arm_endpoint AS armEndpoint, kind, auth_type AS authType, login_endpoint AS loginEndpoint, audience,
  tenant_id AS tenantId, client_id AS clientId, credential_type AS credentialType, secret_source AS secretSource,
  secret_blob AS secretBlob, ca_pem AS caPem, proxy_url AS proxy, provider_subscription_id AS providerSubscriptionId,
  created_at AS createdAt`;

/** Stores a new connection. A name already taken (case-insensitively) is a CONFLICT. */
export function insert(db: Database.Database, connection: NewConnection & { createdAt: string }): StoredConnection {
  if (connection.caPem !== null) caSubject(connection.caPem); // refuse an unreadable certificate before storing it
  const createdAt = isoFromDate(new Date(connection.createdAt));
  try {
    const info = db
      .prepare(`
        INSERT INTO connections (name, arm_endpoint, kind, auth_type, login_endpoint, audience, tenant_id, client_id,
                                 credential_type, secret_source, secret_blob, ca_pem, proxy_url,
                                 provider_subscription_id, created_at)
        VALUES (@name, @armEndpoint, @kind, @authType, @loginEndpoint, @audience, @tenantId, @clientId, @credentialType,
                @secretSource, @secretBlob, @caPem, @proxy, @providerSubscriptionId, @createdAt)`)
      .run({ ...connection, createdAt });
    return { ...connection, id: Number(info.lastInsertRowid), createdAt };
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new StackmeterError(
        'CONFLICT',
        `A connection named "${connection.name}" already exists. Choose another name or remove the existing one first.`,
      );
    }
    throw err;
  }
}

/** The stored connection (with its id and CA) by name, case-insensitively, or undefined. */
export function findByName(db: Database.Database, name: string): StoredConnection | undefined {
  return db.prepare<[string], StoredConnection>(`SELECT ${COLUMNS} FROM connections WHERE name = ?`).get(name);
}

/** The stored connection by name; NOT_FOUND names what was asked for. */
export function getStored(db: Database.Database, name: string): StoredConnection {
  const row = findByName(db, name);
  if (!row) {
    throw new StackmeterError('NOT_FOUND', `There is no connection named "${name}". List connections to see the names.`);
  }
  return row;
}

/** Every connection as the console shows it, by name, with its cached record count and latest sync run. */
export function list(db: Database.Database): ConnectionRow[] {
  const connections = db.prepare<[], StoredConnection>(`SELECT ${COLUMNS} FROM connections ORDER BY name`).all();
  const counts = new Map(
    db
      .prepare<[], [number, number]>(
        'SELECT connection_id, count(*) FROM usage_records WHERE connection_id IS NOT NULL GROUP BY connection_id',
      )
      .raw()
      .all()
      .map(([id, count]) => [id, count]),
  );
  const lastSync = latestPerConnection(db);
  return connections.map((c) => toConnectionRow(c, counts.get(c.id) ?? 0, lastSync.get(c.name) ?? null));
}

/** One connection as the console shows it; NOT_FOUND when there is none of that name. */
export function getByName(db: Database.Database, name: string): ConnectionRow {
  const c = getStored(db, name);
  const records = db.prepare('SELECT count(*) FROM usage_records WHERE connection_id = ?').pluck().get(c.id) as number;
  return toConnectionRow(c, records, latestPerConnection(db).get(c.name) ?? null);
}

/**
 * Removes a connection with its sync runs, tenant subscriptions and usage rows (imports not tied to it stay), in one
 * transaction. Returns how many usage rows went.
 */
export function remove(db: Database.Database, name: string): number {
  return db.transaction(() => {
    const { id } = getStored(db, name);
    const rows = db.prepare('SELECT count(*) FROM usage_records WHERE connection_id = ?').pluck().get(id) as number;
    // The foreign keys cascade to sync_runs, subscriptions and usage_records.
    db.prepare('DELETE FROM connections WHERE id = ?').run(id);
    return rows;
  })();
}

function toConnectionRow(c: StoredConnection, records: number, lastSync: SyncRunRow | null): ConnectionRow {
  return {
    name: c.name,
    armEndpoint: c.armEndpoint,
    kind: c.kind,
    authType: c.authType,
    loginEndpoint: c.loginEndpoint,
    audience: c.audience,
    tenantId: c.tenantId,
    clientId: c.clientId,
    credentialType: c.credentialType,
    secretSource: c.secretSource,
    caSubject: c.caPem === null ? null : caSubject(c.caPem),
    proxy: c.proxy,
    providerSubscriptionId: c.providerSubscriptionId,
    createdAt: c.createdAt,
    records,
    lastSync,
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The subject of the first certificate of a PEM bundle, e.g. `CN=AzureStackSelfSignedRootCert`, followed by how many
 * more the bundle holds. Every certificate must be readable: all of them are added to the trusted roots.
 */
export function caSubject(pem: string): string {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new StackmeterError('INVALID_ARGUMENT', 'The CA bundle holds no PEM certificate.');
  const subjects = blocks.map((block, i) => {
    try {
      return new X509Certificate(block).subject.split('\n').join(', ');
    } catch (err) {
      throw new StackmeterError(
        'INVALID_ARGUMENT',
        `Certificate ${i + 1} of the CA bundle is not a readable PEM certificate ` +
          `(${err instanceof Error ? err.message : String(err)}).`,
      );
    }
  });
  return subjects.length === 1 ? subjects[0] : `${subjects[0]} (+${subjects.length - 1} more)`;
}
