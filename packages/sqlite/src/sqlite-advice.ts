// What to do about a failure, picked by its error code: SQLite result codes (by prefix, so
// `SQLITE_IOERR` covers `SQLITE_IOERR_FSYNC`) and the node:fs codes of creating a file's directories.
import { errorCode } from './error-code.js';

/** Advice by error-code prefix; the first matching row wins, so specific codes go first. */
export type SqliteAdvice = ReadonlyArray<readonly [codePrefix: string, advice: string]>;

/** Advice that holds for every worldloop store. A store adds its own rows in front (`adviceFor`). */
export const sqliteAdvice: SqliteAdvice = [
  // Refused at once, without waiting: another connection wrote since this transaction began reading.
  ['SQLITE_BUSY_SNAPSHOT', 'Another connection wrote to the file after this transaction began reading it; retry the operation.'],
  ['SQLITE_BUSY', 'Another connection held the write lock longer than the 5 s busy timeout; retry, and look for a process holding a long transaction on this file.'],
  ['SQLITE_LOCKED', 'The database is locked by another statement on this connection; finish or close open statements first.'],
  ['SQLITE_FULL', 'The disk is full; free space and retry.'],
  ['SQLITE_READONLY_DBMOVED', 'The database file was moved or deleted while the store had it open; reopen the store on the file.'],
  ['SQLITE_READONLY', 'The file or its directory is read-only; use a writable path.'],
  ['SQLITE_CANTOPEN', 'Check that the path names a file in a writable directory.'],
  ['SQLITE_NOTADB', 'The file is not an SQLite database; point the store at a new path or at a worldloop database.'],
  ['SQLITE_CORRUPT', 'The database file is damaged; run PRAGMA integrity_check on it, or restore a copy.'],
  ['SQLITE_IOERR', 'The filesystem reported an I/O error; check the disk and the path.'],
  ['ENOTDIR', 'A parent of the path is a file, not a directory; choose another path.'],
  ['EEXIST', 'A parent of the path is a file, not a directory; choose another path.'],
  ['ENOSPC', 'The disk is full; free space and retry.'],
  ['EDQUOT', 'The disk quota is used up; free space and retry.'],
  ['EACCES', 'The directory is not writable; choose a writable path.'],
  ['EPERM', 'The directory is not writable; choose a writable path.'],
  ['EROFS', 'The directory is not writable; choose a writable path.'],
];

/**
 * The advice for `cause`'s error code: the first row of `own` that matches, else of `sqliteAdvice`;
 * undefined when the cause has no code or no row matches it.
 */
export function adviceFor(cause: unknown, own: SqliteAdvice = []): string | undefined {
  const code = errorCode(cause);
  if (code === undefined) return undefined;
  return (own.find(([prefix]) => code.startsWith(prefix)) ?? sqliteAdvice.find(([prefix]) => code.startsWith(prefix)))?.[1];
}
