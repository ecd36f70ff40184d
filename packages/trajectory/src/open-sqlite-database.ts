// Opens (creating parent directories) and configures an SQLite connection for the trajectory store:
// WAL, synchronous=NORMAL, busy_timeout 5000 ms, foreign keys on. WAL needs a local filesystem.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
export const busyTimeoutMs = 5000;

/** Whether `path` names an in-memory or temporary database rather than a file. */
export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

/** Opens the database file at `path`, creating its parent directories, and configures it. */
export function openSqliteDatabase(path: string): Database.Database {
  if (!isMemoryPath(path)) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(path);
  try {
    configureSqliteDatabase(database);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * Sets the pragmas the store's durability and concurrency depend on. The busy timeout comes first
 * so that switching a fresh file to WAL waits for other processes doing the same.
 * Throws when a file database cannot be put in WAL mode (network filesystems).
 */
export function configureSqliteDatabase(database: Database.Database): void {
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const mode = database.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && !database.memory) {
    throw new Error(`the database could not be switched to WAL mode (it stayed in ${String(mode)} mode); put the file on a local filesystem`);
  }
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
}
