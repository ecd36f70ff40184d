// Tests of the opener in one process: directories, pragmas, in-memory databases, adopted
// connections left open, and failures that leave nothing open. Across processes: *.processes.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { busyTimeoutMs, openSqliteDatabase } from './open-sqlite-database.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-sqlite-open-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function settings(database: Database.Database) {
  return {
    journalMode: database.pragma('journal_mode', { simple: true }),
    synchronous: database.pragma('synchronous', { simple: true }),
    busyTimeout: database.pragma('busy_timeout', { simple: true }),
    foreignKeys: database.pragma('foreign_keys', { simple: true }),
  };
}

describe('openSqliteDatabase', () => {
  it('creates the parent directories and sets WAL, synchronous=NORMAL, the busy timeout and foreign keys', () => {
    const path = join(directory, 'nested', 'deeper', 'store.db');
    const database = openSqliteDatabase(path);
    expect(database.name).toBe(path);
    expect(settings(database)).toEqual({ journalMode: 'wal', synchronous: 1, busyTimeout: busyTimeoutMs, foreignKeys: 1 });
    database.close();
    // WAL is a property of the file: a plain connection sees it too.
    const plain = new Database(path);
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
    plain.close();
  });

  it('opens an in-memory database (here given as `{ path }`, as stores take it), which stays in memory journal mode', () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    expect(settings(database)).toEqual({ journalMode: 'memory', synchronous: 1, busyTimeout: busyTimeoutMs, foreignKeys: 1 });
    database.close();
  });

  it('configures an adopted connection and returns it without closing it', () => {
    const adopted = new Database(join(directory, 'adopted.db'));
    expect(openSqliteDatabase({ database: adopted })).toBe(adopted);
    expect(settings(adopted)).toEqual({ journalMode: 'wal', synchronous: 1, busyTimeout: busyTimeoutMs, foreignKeys: 1 });
    expect(adopted.open).toBe(true);
    adopted.close();
  });

  it('gives a new file the page size asked for, and leaves an existing file the one it has', () => {
    const path = join(directory, 'paged.db');
    const fresh = openSqliteDatabase(path, { pageSize: 16_384 });
    fresh.exec('CREATE TABLE t (x)');
    expect(fresh.pragma('page_size', { simple: true })).toBe(16_384);
    fresh.close();
    const reopened = openSqliteDatabase(path, { pageSize: 1024 });
    expect(reopened.pragma('page_size', { simple: true })).toBe(16_384);
    reopened.close();
    const other = join(directory, 'default.db');
    openSqliteDatabase(other).exec('CREATE TABLE t (x)');
    const later = openSqliteDatabase(other, { pageSize: 16_384 });
    expect(later.pragma('page_size', { simple: true })).toBe(4096);
    later.close();
  });

  it('refuses a page size SQLite would ignore, before opening anything', () => {
    for (const pageSize of [0, 1000, 131_072, 1.5]) {
      expect(() => openSqliteDatabase(join(directory, 'never.db'), { pageSize })).toThrow(/pageSize is .*power of two from 512 to 65536/);
    }
  });

  it('leaves an adopted connection open when configuring it fails', () => {
    const adopted = new Database(join(directory, 'busy.db'));
    adopted.exec('BEGIN');
    expect(() => openSqliteDatabase({ database: adopted })).toThrow(/cannot change into wal mode from within a transaction/);
    expect(adopted.open).toBe(true);
    adopted.exec('ROLLBACK');
    adopted.close();
  });

  it('throws SQLite errors as they came, closes the connection it opened, and leaves the file alone', () => {
    const path = join(directory, 'notes.txt');
    writeFileSync(path, 'x'.repeat(4096));
    const close = vi.spyOn(Database.prototype, 'close');
    try {
      expect(() => openSqliteDatabase(path)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
    }
    expect(readFileSync(path, 'utf8')).toBe('x'.repeat(4096));
  });

  it('throws the node:fs error when a parent of the path is a file', () => {
    const blocker = join(directory, 'blocker');
    writeFileSync(blocker, 'not a directory');
    expect(() => openSqliteDatabase(join(blocker, 'store.db'))).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) }));
  });
});
