// Opens (creating parent directories) or adopts a better-sqlite3 connection and sets what worldloop's
// stores rely on: WAL, synchronous=NORMAL, busy_timeout 5000 ms, foreign keys on. WAL needs a local
// filesystem; the switch to WAL is retried for up to the busy timeout (see switch-to-wal.ts).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { switchToWal } from './switch-to-wal.js';

/**
 * How long a connection waits for another connection's lock before failing with SQLITE_BUSY, in
 * ms; also how long opening keeps retrying the switch to WAL.
 */
export const busyTimeoutMs = 5000;

/** Where a store keeps its data (stores take it as options): a file to open, or a connection someone else opened. */
export type SqliteDatabaseSource =
  | {
      /** Database file; parent directories are created. `':memory:'` keeps everything in memory. */
      readonly path: string;
      readonly database?: never;
    }
  | {
      /**
       * An open connection (LangGraph-checkpointer style). It gets the same pragmas and migrations,
       * but is never closed for you: whoever opened it closes it.
       */
      readonly database: Database.Database;
      readonly path?: never;
    };

/**
 * Returns a configured connection. Given a path (or `{ path }`), it creates the parent directories,
 * opens the file and closes it again if configuring fails. Given `{ database }`, it configures that
 * connection and returns it, and never closes it: whoever opened it closes it.
 *
 * The busy timeout is set first, so that everything after it waits for other connections' locks.
 * Several processes may open the same fresh file at once. Throws better-sqlite3's or node:fs's
 * error as it came (callers wrap it, see `storeFailure`), and an Error when a file database stays
 * out of WAL mode (network filesystems).
 */
export function openSqliteDatabase(source: string | SqliteDatabaseSource): Database.Database {
  if (typeof source !== 'string' && source.database !== undefined) {
    configure(source.database);
    return source.database;
  }
  const path = typeof source === 'string' ? source : source.path;
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(path);
  try {
    configure(database);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

function configure(database: Database.Database): void {
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const mode = switchToWal(database, { timeoutMs: busyTimeoutMs });
  if (mode !== 'wal' && !database.memory) {
    throw new Error(`the database could not be switched to WAL mode (it stayed in ${mode} mode); put the file on a local filesystem`);
  }
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
}
