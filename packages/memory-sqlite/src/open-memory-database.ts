// Opens (creating parent directories) and configures an SQLite connection for the memory store:
// WAL, synchronous=NORMAL, busy_timeout 5000 ms, foreign keys on, sqlite-vec loaded. WAL needs a local filesystem.
// Same pragmas as @worldloop/trajectory's store, so both can share one file; the switch to WAL is retried while another process holds the file.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
export const busyTimeoutMs = 5000;

/** Opens the database file at `path` (`:memory:` for a throwaway one), creating its parent directories, and configures it. */
export function openMemoryDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(path);
  try {
    configureMemoryDatabase(database);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * Sets the pragmas the store depends on (busy timeout first, so that switching a fresh file to WAL
 * waits for other processes doing the same) and loads sqlite-vec unless `vec_version()` answers
 * already. Throws when a file database cannot be put in WAL mode (network filesystems).
 */
export function configureMemoryDatabase(database: Database.Database): void {
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const mode = switchToWal(database);
  if (mode !== 'wal' && !database.memory) {
    throw new Error(`the database could not be switched to WAL mode (it stayed in ${String(mode)} mode); put the file on a local filesystem`);
  }
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  try {
    database.prepare('SELECT vec_version()').pluck().get();
  } catch {
    sqliteVec.load(database);
  }
}

/**
 * `PRAGMA journal_mode = WAL`, retried for up to the busy timeout: when processes open a fresh file
 * at once, SQLite may answer SQLITE_BUSY at once, without calling the busy handler.
 */
function switchToWal(database: Database.Database): unknown {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return database.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(50, 5 * attempt));
    }
  }
}
