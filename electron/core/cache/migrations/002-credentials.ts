import type { Migration } from './types.ts';

/**
 * Step 2 of the connections table: the credential's type (client secret or certificate), the Entra ID directory
 * tenant, the connection's own proxy, the OS-encrypted credential of `protected` connections (the only form in which a
 * credential ever enters the cache), and an optional provider subscription (a tenant connection may read every
 * subscription its principal sees).
 *
 * SQLite cannot drop a NOT NULL constraint with ALTER TABLE, so the table is rebuilt with SQLite's documented
 * procedure (create the new table, copy, drop the old, rename the new into place). Rows keep their ids, so sync runs,
 * subscriptions and usage rows, which reference connections(id), still join. Dropping the old table would cascade
 * deletes into those children if foreign keys were enforced; the migration runner therefore runs every step with
 * enforcement off and checks all references before it commits (see migrate.ts). Everything happens in the runner's
 * transaction: a failure leaves the version-1 file untouched.
 */
export const migration002: Migration = {
  version: 2,
  name: 'connections: credential type, directory tenant, proxy, encrypted credential; optional provider subscription',
  up(db) {
    db.exec(`
      CREATE TABLE connections_v2 (
        id                       INTEGER PRIMARY KEY,
        name                     TEXT NOT NULL UNIQUE COLLATE NOCASE,
        arm_endpoint             TEXT NOT NULL,
        kind                     TEXT NOT NULL CHECK (kind IN ('operator', 'tenant')),
        auth_type                TEXT NOT NULL CHECK (auth_type IN ('adfs', 'entra')),
        login_endpoint           TEXT NOT NULL,
        audience                 TEXT NOT NULL,
        tenant_id                TEXT, -- the Entra ID directory; NULL for AD FS
        client_id                TEXT NOT NULL,
        credential_type          TEXT NOT NULL DEFAULT 'secret' CHECK (credential_type IN ('secret', 'certificate')),
        -- where the credential lives: 'env:NAME', 'file:/absolute/path', 'session' or 'protected'
        secret_source            TEXT NOT NULL,
        -- 'protected' only: the credential encrypted by the operating system (Electron safeStorage), never plain text
        secret_blob              BLOB,
        ca_pem                   TEXT,
        proxy_url                TEXT,
        -- operator: the provider subscription; tenant: the one subscription read, or NULL for all the principal sees
        provider_subscription_id TEXT,
        created_at               TEXT NOT NULL,
        CHECK ((secret_source = 'protected') = (secret_blob IS NOT NULL))
      );

      INSERT INTO connections_v2 (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, tenant_id, client_id,
                                  credential_type, secret_source, secret_blob, ca_pem, proxy_url,
                                  provider_subscription_id, created_at)
      SELECT id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, NULL, client_id,
             'secret', secret_source, NULL, ca_pem, NULL, provider_subscription_id, created_at
      FROM connections;

      DROP TABLE connections;
      ALTER TABLE connections_v2 RENAME TO connections;
    `);
  },
};
