// Turns a failure inside the SQLite trajectory store into a StoreError that says what failed, on
// which file, and what to do. SQLite error codes pick the advice; the cause is always kept.
import { StoreError } from '@worldloop/spec';

const adviceByCode: ReadonlyArray<readonly [prefix: string, advice: string]> = [
  ['SQLITE_BUSY', 'Another connection held the write lock longer than the 5 s busy timeout; retry, and look for a process holding a long transaction on this file.'],
  ['SQLITE_LOCKED', 'The database is locked by another statement on this connection; finish or close open statements first.'],
  ['SQLITE_FULL', 'The disk is full; free space and retry.'],
  ['SQLITE_READONLY', 'The file or its directory is read-only; use a writable path.'],
  ['SQLITE_CANTOPEN', 'Check that the path names a file in a writable directory.'],
  ['SQLITE_NOTADB', 'The file is not an SQLite database; point the store at a new path or at a trajectory database.'],
  ['SQLITE_CORRUPT', 'The database file is damaged; run PRAGMA integrity_check on it, or restore a copy.'],
  ['SQLITE_IOERR', 'The filesystem reported an I/O error; check the disk and the path.'],
  ['SQLITE_CONSTRAINT_FOREIGNKEY', 'A referenced run or episode does not exist; create it first.'],
  ['SQLITE_CONSTRAINT_NOTNULL', 'A required field is missing, or is NaN (SQLite stores NaN as NULL); check the record against the TrajectoryStore contract.'],
  ['SQLITE_CONSTRAINT', 'A value broke a schema constraint (named above); check the record against the TrajectoryStore contract.'],
];

/** The `code` of an error (SQLite codes from better-sqlite3, errno codes from node:fs), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps `cause` in a StoreError: "Could not <operation> in trajectory store <location>: <cause>.
 * <advice>" (advice only where the SQLite code suggests one). A StoreError passes through unchanged. `advice` overrides the advice for the code.
 */
export function storeFailure(operation: string, location: string, cause: unknown, advice?: string): StoreError {
  if (cause instanceof StoreError) return cause;
  const code = errorCode(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const chosen =
    advice ??
    (code === undefined ? undefined : adviceByCode.find(([prefix]) => code.startsWith(prefix))?.[1]);
  const message = `Could not ${operation} in trajectory store ${location}: ${reason.replace(/\.$/, '')}.`;
  return new StoreError(chosen === undefined ? message : `${message} ${chosen}`, {
    cause,
    details: code === undefined ? { path: location } : { path: location, errorCode: code },
  });
}
