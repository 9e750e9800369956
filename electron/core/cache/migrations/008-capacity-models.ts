import type { Migration } from './types.ts';

/**
 * Capacity models: per stamp (its connection name), the licensed physical cores, the yearly prices per core, the
 * licence term, other yearly costs and the storage capacity. The model is stored as canonical JSON (sorted keys, no
 * whitespace) with every price and amount a decimal string inside it, never a REAL. Saving a model is audited in the
 * same transaction (action 'capacity-model.save', with the reason), like a rate card change.
 *
 * Keyed by the stamp's name rather than a foreign key to connections: the model describes the stamp's licence, which
 * outlives a connection removed and added again (or a stamp whose usage only arrives through imports).
 */
export const migration008: Migration = {
  version: 8,
  name: 'capacity models per stamp',
  up(db) {
    db.exec(`
      CREATE TABLE capacity_models (
        stamp      TEXT PRIMARY KEY COLLATE NOCASE,
        model      TEXT NOT NULL CHECK (json_valid(model) AND json_type(model) = 'object'), -- CapacityModel
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
