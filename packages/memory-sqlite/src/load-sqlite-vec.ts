// Makes sqlite-vec's functions and vec0 tables available on a connection, once: a connection that
// already answers `vec_version()` (loaded by whoever opened it) is left as it is.
import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

/** Loads the sqlite-vec extension into `database` unless it is loaded already. */
export function loadSqliteVec(database: Database.Database): void {
  try {
    database.prepare('SELECT vec_version()').pluck().get();
  } catch {
    sqliteVec.load(database);
  }
}
