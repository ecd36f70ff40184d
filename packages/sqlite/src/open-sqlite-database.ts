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

/** How a new database file is laid out. */
export interface OpenSqliteDatabaseOptions {
  /**
   * Page size in bytes (a power of two from 512 to 65536) for a database that is still empty; an
   * existing file keeps its own. Larger pages suit rows of kilobytes (the memory store's embeddings):
   * fewer overflow pages and b-tree splits per row. SQLite's default is 4096.
   */
  readonly pageSize?: number;
}

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
export function openSqliteDatabase(source: string | SqliteDatabaseSource, options: OpenSqliteDatabaseOptions = {}): Database.Database {
  const pageSize = options.pageSize;
  if (pageSize !== undefined && !(Number.isSafeInteger(pageSize) && pageSize >= 512 && pageSize <= 65_536 && (pageSize & (pageSize - 1)) === 0)) {
    throw new RangeError(`pageSize is ${String(pageSize)}; SQLite takes a power of two from 512 to 65536`);
  }
  if (typeof source !== 'string' && source.database !== undefined) {
    configure(source.database, pageSize);
    return source.database;
  }
  const path = typeof source === 'string' ? source : source.path;
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(path);
  try {
    configure(database, pageSize);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

function configure(database: Database.Database, pageSize: number | undefined): void {
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // Only an empty database takes a page size (a WAL file's is fixed once it has a page); several
  // processes may race here on a fresh file, and whichever writes the first page decides.
  if (pageSize !== undefined && database.pragma('page_count', { simple: true }) === 0) database.pragma(`page_size = ${pageSize}`);
  const mode = switchToWal(database, { timeoutMs: busyTimeoutMs });
  if (mode !== 'wal' && !database.memory) {
    throw new Error(`the database could not be switched to WAL mode (it stayed in ${mode} mode); put the file on a local filesystem`);
  }
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
}
