import type { Migration } from './types.ts';

/**
 * Rate cards, adjustments and the audit log. What an auditor relies on is enforced by the database itself, so that
 * no code path (and no later bug) can break it:
 *
 * - a published rate card version is frozen: triggers refuse to update or delete it;
 * - a card's currency and rounding cannot change once it has a published version (statements priced with it would
 *   no longer add up the same way);
 * - the audit log is append-only: triggers refuse to update or delete an entry, and every entry carries the SHA-256
 *   of the previous one (see electron/core/chargeback/audit-log.ts), so an entry edited or removed outside the app
 *   breaks the chain where it happened.
 *
 * Meter rates and adjustments are stored as canonical JSON text (sorted keys, no whitespace) with every price,
 * percentage and quantity a decimal string inside it: never a REAL.
 */
export const migration006: Migration = {
  version: 6,
  name: 'rate cards with immutable published versions, adjustments, append-only hash-chained audit log',
  up(db) {
    db.exec(`
      CREATE TABLE rate_cards (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
        currency       TEXT NOT NULL, -- ISO 4217
        rounding_mode  TEXT NOT NULL CHECK (rounding_mode IN ('half-up', 'half-even')),
        rounding_point TEXT NOT NULL CHECK (rounding_point IN ('line', 'statement')),
        created_at     TEXT NOT NULL
      );

      CREATE TABLE rate_card_versions (
        card_id        TEXT NOT NULL REFERENCES rate_cards(id),
        version        INTEGER NOT NULL CHECK (version >= 1),
        effective_from TEXT NOT NULL, -- YYYY-MM-DD
        status         TEXT NOT NULL CHECK (status IN ('draft', 'published')),
        published_at   TEXT,
        note           TEXT,
        meters         TEXT NOT NULL CHECK (json_valid(meters) AND json_type(meters) = 'array'), -- MeterRate[]
        CHECK ((status = 'draft') = (published_at IS NULL)),
        PRIMARY KEY (card_id, version)
      ) WITHOUT ROWID;

      CREATE TRIGGER rate_card_versions_published_no_update BEFORE UPDATE ON rate_card_versions
      WHEN old.status = 'published'
      BEGIN
        SELECT RAISE(ABORT, 'a published rate card version cannot change; publish a new version instead');
      END;

      CREATE TRIGGER rate_card_versions_published_no_delete BEFORE DELETE ON rate_card_versions
      WHEN old.status = 'published'
      BEGIN
        SELECT RAISE(ABORT, 'a published rate card version cannot be deleted');
      END;

      CREATE TRIGGER rate_cards_settings_frozen_once_published BEFORE UPDATE ON rate_cards
      WHEN (new.id IS NOT old.id OR new.currency IS NOT old.currency OR new.rounding_mode IS NOT old.rounding_mode
            OR new.rounding_point IS NOT old.rounding_point)
        AND EXISTS (SELECT 1 FROM rate_card_versions WHERE card_id = old.id AND status = 'published')
      BEGIN
        SELECT RAISE(ABORT, 'the currency and rounding of a rate card with a published version cannot change');
      END;

      CREATE TABLE adjustments (
        id         TEXT PRIMARY KEY,
        type       TEXT NOT NULL,
        scope      TEXT NOT NULL CHECK (json_valid(scope)),      -- AdjustmentScope, canonical JSON
        adjustment TEXT NOT NULL CHECK (json_valid(adjustment)), -- the whole Adjustment, canonical JSON
        updated_at TEXT NOT NULL
      );

      CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so a removed last entry leaves a trace
        at        TEXT NOT NULL,
        user      TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        reason    TEXT,
        details   TEXT CHECK (details IS NULL OR json_valid(details)),
        prev_hash TEXT NOT NULL UNIQUE, -- one successor per entry: the chain cannot fork
        hash      TEXT NOT NULL
      );

      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot change');
      END;

      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
      END;
    `);
  },
};
