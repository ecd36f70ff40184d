// Turns a failure inside the SQLite memory store into a StoreError that says what failed, on which
// file, and what to do (advice picked by SQLite error code). StoreErrors pass through; the cause is kept.
import { StoreError, WorldloopError } from '@worldloop/spec';

const adviceByCode: ReadonlyArray<readonly [prefix: string, advice: string]> = [
  ['SQLITE_BUSY', 'Another connection held the write lock longer than the 5 s busy timeout; retry, and look for a process holding a long transaction on this file.'],
  ['SQLITE_FULL', 'The disk is full; free space and retry.'],
  ['SQLITE_READONLY', 'The file or its directory is read-only; use a writable path.'],
  ['SQLITE_CANTOPEN', 'Check that the path names a file in a writable directory.'],
  ['SQLITE_NOTADB', 'The file is not an SQLite database; point the store at a new path or at a worldloop database.'],
  ['SQLITE_CORRUPT', 'The database file is damaged; run PRAGMA integrity_check on it, or restore a copy.'],
  ['SQLITE_IOERR', 'The filesystem reported an I/O error; check the disk and the path.'],
];

/**
 * Wraps `cause` in a StoreError: "Could not <operation> in memory store <location>: <cause>. <advice>".
 * Any WorldloopError (a StoreError about bad input, a ConfigError) passes through unchanged.
 */
export function memoryStoreFailure(operation: string, location: string, cause: unknown): WorldloopError {
  if (cause instanceof WorldloopError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const advice = typeof code === 'string' ? adviceByCode.find(([prefix]) => code.startsWith(prefix))?.[1] : undefined;
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
  const message = `Could not ${operation} in memory store ${location}: ${reason}.`;
  return new StoreError(advice === undefined ? message : `${message} ${advice}`, {
    cause,
    details: typeof code === 'string' ? { path: location, errorCode: code } : { path: location },
  });
}
