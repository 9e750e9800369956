import type { Migration } from './types.ts';

/**
 * Statements: a period's usage rated with a rate card, a draft until finalized. The document is stored as canonical
 * JSON (sorted keys, no whitespace), so that its bytes are the same on every machine, beside the hashes that vouch for
 * it. A finalized statement is immutable, enforced by the database: triggers refuse to update or delete it, so a later
 * change (late usage, a corrected price) can only become a correction statement that refers to it.
 */
export const migration007: Migration = {
  version: 7,
  name: 'statements: drafts, immutable finalized statements and corrections',
  up(db) {
    db.exec(`
      CREATE TABLE statements (
        id           TEXT PRIMARY KEY,                 -- ST-YYYYMM-NNNN, corrections ST-YYYYMM-NNNN-Cn
        kind         TEXT NOT NULL CHECK (kind IN ('statement', 'correction')),
        corrects_id  TEXT REFERENCES statements(id),   -- the finalized statement a correction amends
        status       TEXT NOT NULL CHECK (status IN ('draft', 'finalized')),
        period_from  TEXT NOT NULL,                    -- YYYY-MM-DD
        period_to    TEXT NOT NULL,                    -- YYYY-MM-DD, excluded
        stamps       TEXT NOT NULL CHECK (json_valid(stamps) AND json_type(stamps) = 'array'),
        rate_card_id TEXT NOT NULL REFERENCES rate_cards(id),
        -- what a list shows, copied from the document so that listing never parses documents of megabytes
        rate_card    TEXT NOT NULL CHECK (json_valid(rate_card)), -- {id, name, currency, versions}
        currency     TEXT NOT NULL,
        total        TEXT NOT NULL,                    -- decimal text, in minor units of the currency
        document     TEXT NOT NULL CHECK (json_valid(document)), -- the StatementDocument, canonical JSON
        input_hash   TEXT NOT NULL,
        hash         TEXT,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        finalized_at TEXT,
        finalized_by TEXT,
        CHECK ((kind = 'correction') = (corrects_id IS NOT NULL)),
        CHECK ((status = 'finalized') = (hash IS NOT NULL AND finalized_at IS NOT NULL AND finalized_by IS NOT NULL))
      );
      CREATE INDEX statements_by_corrects ON statements (corrects_id);

      CREATE TRIGGER statements_finalized_no_update BEFORE UPDATE ON statements
      WHEN old.status = 'finalized'
      BEGIN
        SELECT RAISE(ABORT, 'a finalized statement cannot change; create a correction statement instead');
      END;

      CREATE TRIGGER statements_finalized_no_delete BEFORE DELETE ON statements
      WHEN old.status = 'finalized'
      BEGIN
        SELECT RAISE(ABORT, 'a finalized statement cannot be deleted');
      END;
    `);
  },
};
