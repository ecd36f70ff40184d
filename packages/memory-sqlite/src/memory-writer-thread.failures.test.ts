// Tests of MemoryWriterThread's failures: a thread that dies or cannot open the file rejects the
// writes pending and later ones, a batch whose chunks stop coming is rolled back, and an entry that
// needs a TypeScript loader to resolve its imports still loads (as under Node's type stripping).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '@worldloop/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { MemoryWriterThread } from './memory-writer-thread.js';
import { prepareMemoryChunk } from './prepared-memory-chunk.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-thread-failures-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Rows in the memories table and the vector index. */
function tableCounts(path: string): { memories: number; codes: number } {
  const database = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => database.prepare(sql).pluck().get() as number;
    return { memories: count('SELECT count(*) FROM memories'), codes: count('SELECT count(*) FROM memory_vector_index_rowids') };
  } finally {
    database.close();
  }
}

describe('MemoryWriterThread failures', () => {
  const stopped = /writer thread of memory store .* stopped \(it (exited with code 3|failed: a crash in the writer thread)\)/;
  const chunk = () => {
    const vector = new HashedEmbedder().embedText('a memory');
    const memory = { kind: 'fact', text: 'a memory', payload: null, importance: 0.5, namespace: 'a', runId: null, episodeId: null, stepIndex: null, links: [], createdAt: 1, embedding: undefined } as const;
    return prepareMemoryChunk([memory], [vector], 0, 1, 1);
  };

  it.each(['exit', 'throw'])('rejects the writes pending and every later one with a StoreError when the thread stops (%s)', async (how) => {
    const thread = new MemoryWriterThread(join(directory, how), 'test.db', new URL('./fixtures/failing-writer.worker.ts', import.meta.url));
    const pending = thread.write([chunk()]);
    await expect(pending).rejects.toThrow(stopped);
    await expect(pending).rejects.toBeInstanceOf(StoreError);
    await expect(thread.write([chunk()])).rejects.toThrow(stopped);
    await thread.close();
  });

  it('rolls back a batch whose chunks stop coming (the source throws), releasing the write lock for other connections', async () => {
    const path = join(directory, 'aborted.db');
    await SqliteMemoryStore.open(path).close();
    const thread = new MemoryWriterThread(path, 'aborted.db');
    const chunks = function* () {
      yield chunk();
      yield chunk();
      throw new Error('the third chunk could not be prepared');
    };
    await expect(thread.write(chunks())).rejects.toThrow('the third chunk could not be prepared');
    // Once the thread has taken the abort (messages are handled in order), the lock is free.
    expect(await thread.write([chunk()])).toBe(1);
    const other = new Database(path);
    other.pragma('busy_timeout = 200');
    other.exec("INSERT INTO memory_settings (key, value) VALUES ('probe', 'written')");
    other.close();
    await thread.close();
    expect(tableCounts(path)).toMatchObject({ memories: 1, codes: 1 });
  });

  it('loads an entry whose TypeScript imports only a loader resolves (as under Node type stripping)', async () => {
    const path = join(directory, 'stripped.db');
    await SqliteMemoryStore.open(path).close();
    const thread = new MemoryWriterThread(path, 'stripped.db', new URL('./fixtures/javascript-writer.worker.mjs', import.meta.url));
    expect(await thread.write([chunk()])).toBe(1);
    await thread.close();
    expect(tableCounts(path).memories).toBe(1);
  });

  it('refuses a write once closing has begun, rather than posting it to a thread that is stopping', async () => {
    const path = join(directory, 'closed.db');
    await SqliteMemoryStore.open(path).close();
    const thread = new MemoryWriterThread(path, 'closed.db');
    const before = thread.write([chunk()]);
    const closed = thread.close();
    await expect(thread.write([chunk()])).rejects.toThrow(/writer thread of memory store closed\.db is closed/);
    expect(await before).toBe(1);
    await closed;
    await expect(thread.write([chunk()])).rejects.toBeInstanceOf(StoreError);
    expect(tableCounts(path).memories).toBe(1);
  });

  it('rejects writes with the reason when the thread cannot open the file', async () => {
    const thread = new MemoryWriterThread(join(directory, 'not-a-directory', '\0', 'x.db'), 'missing.db');
    await expect(thread.write([chunk()])).rejects.toThrow(/writer thread of memory store missing\.db stopped \(it could not open the file: /);
    await thread.close();
  });
});
