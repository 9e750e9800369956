import type Database from 'better-sqlite3';
import type { TenantSubscription } from '../azure/subscriptions.ts';
import { isoFromDate } from './iso.ts';

/**
 * Stores a connection's tenant subscription list as the stamp reports it, in one transaction. Subscriptions missing
 * from a later list stay: their usage is still in the cache and still needs an owner on reports. Returns how many
 * rows were added or changed.
 */
export function upsert(
  db: Database.Database,
  connectionId: number,
  subscriptions: TenantSubscription[],
  now: Date,
): number {
  const upsert = db.prepare(`
    INSERT INTO subscriptions (connection_id, subscription_id, display_name, owner, tenant_id, offer_id, state, updated_at)
    VALUES (@connectionId, @subscriptionId, @displayName, @owner, @tenantId, @offerId, @state, @updatedAt)
    ON CONFLICT (connection_id, subscription_id) DO UPDATE SET
      display_name = excluded.display_name, owner = excluded.owner, tenant_id = excluded.tenant_id,
      offer_id = excluded.offer_id, state = excluded.state, updated_at = excluded.updated_at
    WHERE (display_name, owner, tenant_id, offer_id, state)
      IS NOT (excluded.display_name, excluded.owner, excluded.tenant_id, excluded.offer_id, excluded.state)`);
  const updatedAt = isoFromDate(now);
  return db.transaction(() => {
    let changed = 0;
    for (const s of subscriptions) {
      changed += upsert.run({ ...s, subscriptionId: s.subscriptionId.toLowerCase(), connectionId, updatedAt }).changes;
    }
    return changed;
  })();
}

/** A connection's tenant subscriptions, by subscription ID. */
export function list(db: Database.Database, connectionId: number): TenantSubscription[] {
  return db
    .prepare<[number], TenantSubscription>(`
      SELECT subscription_id AS subscriptionId, display_name AS displayName, owner, tenant_id AS tenantId,
             offer_id AS offerId, state
      FROM subscriptions WHERE connection_id = ? ORDER BY subscription_id`)
    .all(connectionId);
}
