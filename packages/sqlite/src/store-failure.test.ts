// Tests of the failure wording: message shape, advice by code (the store's own rows first, then the
// shared ones), one-off advice, details, and errors that pass through unchanged.
import { ConfigError, StoreError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { adviceFor, sqliteAdvice } from './sqlite-advice.js';
import { storeFailure } from './store-failure.js';

function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('storeFailure', () => {
  it('says what failed, where, why and what to do, and keeps the cause and its code', () => {
    const cause = sqliteError('SQLITE_BUSY', 'database is locked');
    const failure = storeFailure('write a memory', '/data/w.db', cause, { label: 'memory store' });
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toBe(
      'Could not write a memory in memory store /data/w.db: database is locked. Another connection held the write lock longer than the 5 s busy timeout; retry, and look for a process holding a long transaction on this file.',
    );
    expect(failure.cause).toBe(cause);
    expect(failure.details).toEqual({ path: '/data/w.db', errorCode: 'SQLITE_BUSY' });
  });

  it('gives no advice and no code where the cause has none, and drops a final period of the cause', () => {
    const failure = storeFailure('open the database', 'x.db', new Error('something odd.'), { label: 'trajectory store' });
    expect(failure.message).toBe('Could not open the database in trajectory store x.db: something odd.');
    expect(failure.details).toEqual({ path: 'x.db' });
    expect(storeFailure('recall memories', 'x.db', 'a string', { label: 'memory store' }).message).toBe('Could not recall memories in memory store x.db: a string.');
  });

  it("prefers the store's own advice to the shared advice, and one-off advice to both", () => {
    const cause = sqliteError('SQLITE_NOTADB', 'file is not a database');
    const own = [['SQLITE_NOTADB', 'Point it at a notes database.']] as const;
    expect(storeFailure('open the database', 'n.db', cause, { label: 'notes store' }).message).toMatch(/or at a worldloop database\.$/);
    expect(storeFailure('open the database', 'n.db', cause, { label: 'notes store', adviceByCode: own }).message).toMatch(/: file is not a database\. Point it at a notes database\.$/);
    expect(storeFailure('open the database', 'n.db', cause, { label: 'notes store', adviceByCode: own, advice: 'Just this once.' }).message).toMatch(/\. Just this once\.$/);
  });

  it('passes errors worldloop threw on purpose through unchanged', () => {
    const invalid = new StoreError('Empty text.');
    const config = new ConfigError('Another embedder.');
    expect(storeFailure('write a memory', 'x.db', invalid, { label: 'memory store' })).toBe(invalid);
    expect(storeFailure('open the database', 'x.db', config, { label: 'memory store' })).toBe(config);
  });
});

describe('adviceFor', () => {
  it('matches codes by prefix, extended SQLite codes and node:fs codes included', () => {
    expect(adviceFor(sqliteError('SQLITE_IOERR_FSYNC', 'x'))).toBe('The filesystem reported an I/O error; check the disk and the path.');
    expect(adviceFor(sqliteError('ENOTDIR', 'x'))).toMatch(/not a directory; choose another path/);
    expect(adviceFor(sqliteError('EACCES', 'x'))).toMatch(/not writable; choose a writable path/);
    expect(adviceFor(sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'x'))).toBeUndefined();
    expect(adviceFor(new Error('no code'))).toBeUndefined();
    expect(sqliteAdvice.every(([prefix, advice]) => /^[A-Z_]+$/.test(prefix) && advice.endsWith('.'))).toBe(true);
  });

  it('gives advice that fits the extended code: a stale snapshot, a moved file, a full disk while creating directories', () => {
    expect(adviceFor(sqliteError('SQLITE_BUSY_SNAPSHOT', 'database is locked'))).not.toMatch(/busy timeout/);
    expect(adviceFor(sqliteError('SQLITE_BUSY_SNAPSHOT', 'database is locked'))).toMatch(/retry/);
    expect(adviceFor(sqliteError('SQLITE_BUSY_TIMEOUT', 'database is locked'))).toMatch(/busy timeout/);
    expect(adviceFor(sqliteError('SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database'))).toMatch(/moved or deleted/);
    expect(adviceFor(sqliteError('SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database'))).toMatch(/read-only/);
    expect(adviceFor(sqliteError('ENOSPC', 'no space left on device'))).toMatch(/disk is full/);
    expect(adviceFor(sqliteError('EDQUOT', 'disk quota exceeded'))).toMatch(/quota/);
  });
});
