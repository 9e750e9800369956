import type { Migration } from './types.ts';

/**
 * Incremental, resumable, locked syncs.
 *
 * - `sync_runs` is rebuilt (SQLite cannot change a CHECK constraint in place) to allow the statuses `partial` and
 *   `interrupted`, and gains the run's request as given (for resuming), its owner process, window and retry counters
 *   and the list of windows that failed. Runs of version 2 keep their ids and counts; a run still marked running can
 *   only have been cut off (nothing of its progress was recorded then), so it becomes failed with error `interrupted`.
 * - `sync_run_units` is a run's plan and checkpoint: one row per subscriber (and one for the all-tenant sweep of
 *   deleted subscriptions), with the window in progress and the nextLink to fetch next. It is written in the same
 *   transaction as each page's rows, so a run killed at any point resumes exactly where its last page committed.
 * - `sync_watermarks` holds, per stamp, subscription and granularity, the reported time synced without a gap, and when
 *   the subscription list stopped naming it (deleted subscriptions are swept until their late rows have landed).
 * - `sync_locks` lets one process at a time sync a stamp: a console server and a scheduled CLI may share one cache.
 */
export const migration003: Migration = {
  version: 3,
  name: 'resumable sync: run plans and checkpoints, watermarks, per-stamp locks, partial and interrupted runs',
  up(db) {
    db.exec(`
      CREATE TABLE sync_runs_v3 (
        id             INTEGER PRIMARY KEY,
        connection_id  INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        status         TEXT NOT NULL
                       CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted')),
        granularity    TEXT NOT NULL CHECK (granularity IN ('Hourly', 'Daily')),
        -- the reported-time range the run covers (for an incremental run: its earliest subscriber start, once planned)
        range_from     TEXT NOT NULL,
        range_to       TEXT NOT NULL,
        -- the request as given, normalised: NULL from = incremental, NULL to = up to the last whole hour
        requested_from TEXT,
        requested_to   TEXT,
        sweep_deleted  INTEGER NOT NULL DEFAULT 0 CHECK (sweep_deleted IN (0, 1)),
        overlap_hours  INTEGER NOT NULL DEFAULT 6,
        -- 1 once the subscriber list was read and the plan (sync_run_units) stored
        planned        INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
        owner_pid      INTEGER,
        owner_host     TEXT,
        started_at     TEXT NOT NULL,
        ended_at       TEXT,
        subscribers    INTEGER NOT NULL DEFAULT 0,
        pages          INTEGER NOT NULL DEFAULT 0,
        records        INTEGER NOT NULL DEFAULT 0,
        inserted       INTEGER NOT NULL DEFAULT 0,
        updated        INTEGER NOT NULL DEFAULT 0,
        windows        INTEGER NOT NULL DEFAULT 0,
        windows_done   INTEGER NOT NULL DEFAULT 0,
        retries        INTEGER NOT NULL DEFAULT 0,
        window_errors  TEXT NOT NULL DEFAULT '[]', -- JSON array of sentences, one per failed window
        error          TEXT,
        error_code     TEXT
      );

      INSERT INTO sync_runs_v3 (id, connection_id, status, granularity, range_from, range_to, requested_from,
                                requested_to, planned, started_at, ended_at, subscribers, pages, records, inserted,
                                updated, error, error_code)
      SELECT id, connection_id, CASE status WHEN 'running' THEN 'failed' ELSE status END, granularity, range_from,
             range_to, range_from, range_to, 1, started_at, coalesce(ended_at, started_at), subscribers, pages, records,
             inserted, updated, CASE status WHEN 'running' THEN 'interrupted' ELSE error END, error_code
      FROM sync_runs;

      DROP TABLE sync_runs;
      ALTER TABLE sync_runs_v3 RENAME TO sync_runs;
      CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, status);

      -- Times are Unix seconds (UTC) of reported time.
      CREATE TABLE sync_run_units (
        run_id          INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        unit            INTEGER NOT NULL, -- position in the plan
        kind            TEXT NOT NULL CHECK (kind IN ('subscriber', 'sweep')),
        subscription_id TEXT,             -- subscriber units; NULL for the sweep
        -- sweep: JSON array of the deleted subscriptions whose watermarks it advances
        subjects        TEXT NOT NULL DEFAULT '[]',
        range_from      INTEGER NOT NULL,
        range_to        INTEGER NOT NULL,
        -- the window in progress; window_start = range_to once the unit is done
        window_start    INTEGER NOT NULL,
        window_end      INTEGER NOT NULL,
        -- the page of that window to fetch next (NULL: its first page) and its number, for messages
        next_link       TEXT,
        page            INTEGER NOT NULL DEFAULT 1,
        -- start of the first window that failed: the watermark stops there
        failed_from     INTEGER,
        windows         INTEGER NOT NULL,
        windows_done    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, unit)
      ) WITHOUT ROWID;

      CREATE TABLE sync_watermarks (
        connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        granularity     TEXT NOT NULL CHECK (granularity IN ('Hourly', 'Daily')),
        subscription_id TEXT NOT NULL, -- lower-case GUID
        reported_to     INTEGER NOT NULL, -- reported time synced without a gap up to here (Unix seconds)
        missing_since   INTEGER,          -- when the subscription list first lacked it; NULL while listed
        PRIMARY KEY (connection_id, granularity, subscription_id)
      ) WITHOUT ROWID;

      CREATE TABLE sync_locks (
        connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        run_id        INTEGER REFERENCES sync_runs(id) ON DELETE SET NULL,
        pid           INTEGER NOT NULL,
        host          TEXT NOT NULL,
        acquired_at   TEXT NOT NULL,
        heartbeat_at  TEXT NOT NULL
      );
    `);
  },
};
