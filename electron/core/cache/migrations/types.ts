import type Database from 'better-sqlite3';

/** A numbered schema step. The runner applies pending steps in order, all in one transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
