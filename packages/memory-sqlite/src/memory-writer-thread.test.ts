// Tests of the writer thread (`writer: 'thread'`): the conformance suite on a file, the same results
// and rows as the inline writer, writes in flight that overlap and fail alone, SQLite's refusals, a
// file shared with a trajectory store written meanwhile, close with writes pending, a relative path.
// The thread's own failures are in memory-writer-thread.failures.test.ts.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, StoreError, type NewMemory } from '@worldloop/spec';
import { describeMemoryStoreConformance } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { SqliteMemoryStore, type SqliteMemoryStoreOptions } from './sqlite-memory-store.js';

const conformanceDirectory = mkdtempSync(join(tmpdir(), 'worldloop-memory-thread-conformance-'));
let conformanceFiles = 0;
afterAll(() => rmSync(conformanceDirectory, { recursive: true, force: true }));
describeMemoryStoreConformance('SqliteMemoryStore (writer thread)', ({ embeddingDimension }) =>
  SqliteMemoryStore.open(join(conformanceDirectory, `memories-${++conformanceFiles}.db`), { embedder: new HashedEmbedder({ dimension: embeddingDimension }), writer: 'thread' }),
);

let directory: string;
const opened: { close(): Promise<void> }[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-thread-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function open(name: string, options: Omit<SqliteMemoryStoreOptions, 'path' | 'database'> = {}): SqliteMemoryStore {
  const store = SqliteMemoryStore.open(join(directory, name), { writer: 'thread', ...options });
  opened.push(store);
  return store;
}

/** `count` observations in `namespace`, numbered from `from`. */
function observations(count: number, namespace = 'agent:a', from = 0): NewMemory[] {
  return Array.from({ length: count }, (_, index) => ({
    kind: 'observation',
    text: `I saw the ${['red', 'blue', 'green'][(from + index) % 3]} key in room ${from + index}`,
    namespace,
    importance: ((from + index) % 10) / 10,
    createdAt: 1_000_000 + (from + index) * 1000,
    provenance: { runId: 1, episodeId: 1 + Math.floor((from + index) / 50), stepIndex: (from + index) % 50 },
  }));
}

/** Rows of each table a memory lives in (memories, full-text index, vector index, links). */
function tableCounts(path: string): Record<string, number> {
  const database = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => database.prepare(sql).pluck().get() as number;
    return {
      memories: count('SELECT count(*) FROM memories'),
      texts: count("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'key'"),
      codes: count('SELECT count(*) FROM memory_vector_index_rowids'),
      links: count('SELECT count(*) FROM memory_links'),
      namespaces: count('SELECT count(*) FROM memory_namespaces'),
    };
  } finally {
    database.close();
  }
}

describe('SqliteMemoryStore writer thread', () => {
  it('stores and recalls exactly what the inline writer does, batches of several chunks included', async () => {
    const inline = SqliteMemoryStore.open(join(directory, 'inline.db'), { now: () => 5_000_000 });
    opened.push(inline);
    const thread = open('thread.db', { now: () => 5_000_000 });
    for (const store of [inline, thread]) {
      const [first] = await store.write(observations(600));
      await store.write([{ kind: 'reflection', text: 'the red keys open red doors', namespace: 'agent:a', links: [first!.id, String(Number(first!.id) + 3)] }, ...observations(300, 'agent:b', 600)]);
    }
    for (const query of [{ text: 'red key room 42' }, { text: 'red doors', namespaces: ['agent:a'], kinds: ['reflection' as const] }, { namespaces: ['agent:b'], limit: 5 }]) {
      expect(await thread.recall(query)).toEqual(await inline.recall(query));
    }
    expect(await thread.get(['1', '601', '900', '901'])).toEqual(await inline.get(['1', '601', '900', '901']));
  });

  it.each([8, 4096])('stores the same rows as the inline writer at dimension %i, for batches of 1, 128 and 129 memories and links into an earlier chunk', async (dimension) => {
    const rows: unknown[] = [];
    for (const writer of ['inline', 'thread'] as const) {
      const store = open(`${writer}-${dimension}.db`, { writer, embedder: new HashedEmbedder({ dimension }), now: () => 5_000_000 });
      let next = 1;
      for (const size of [1, 128, 129]) {
        const memories: NewMemory[] = observations(size, size === 128 ? 'agent:b' : 'agent:a', next).map((memory, index) => ({
          ...memory,
          // Defaulted createdAt, no provenance and a payload for some; memory 128 (second chunk) links to the batch's memory 2 and to memory 1.
          ...(index % 3 === 0 ? { createdAt: undefined, provenance: undefined, payload: { index, list: [null, 'x'] } } : {}),
          ...(index === 128 ? { links: [String(next + 2), '1'] } : {}),
        }));
        const records = await store.write(memories);
        expect(records.map((record) => Number(record.id))).toEqual(Array.from({ length: size }, (_, index) => next + index));
        expect(await store.get(records.map((record) => record.id))).toEqual(records);
        next += size;
      }
      const database = new Database(join(directory, `${writer}-${dimension}.db`), { readonly: true });
      rows.push([
        database.prepare('SELECT id, namespace_id, sequence, kind, text, payload, importance, created_at, run_id, episode_id, step_index, hex(embedding) FROM memories ORDER BY id').raw().all(),
        database.prepare('SELECT memory_id, position, target_id FROM memory_links ORDER BY memory_id, position').raw().all(),
        database.prepare('SELECT rowid, text FROM memories_fts ORDER BY rowid').raw().all(),
      ]);
      database.close();
    }
    expect((rows[0] as unknown[][])[1]).toEqual([[258, 0, 132], [258, 1, 1]]);
    expect(rows[1]).toEqual(rows[0]);
  });

  it('overlaps writes made without awaiting each other: ids in call order, and a failing batch fails alone and leaves nothing', async () => {
    const store = open('overlap.db');
    const path = join(directory, 'overlap.db');
    // The third batch's memory 200 (in its second chunk) links ahead: the batch is refused whole.
    const batches = [observations(300), observations(300, 'agent:a', 300), [...observations(200, 'agent:new', 600), { ...observations(1, 'agent:new', 800)[0]!, links: ['999999'] }], observations(300, 'agent:a', 900)];
    const results = await Promise.allSettled(batches.map((batch) => store.write(batch)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[2] as PromiseRejectedResult).reason;
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toMatch(/Memory 200 of the batch links to memory 999999, which does not exist in memory store .*overlap\.db/);
    expect(failure.details).toMatchObject({ reason: 'invalid-memory', position: 200, field: 'links' });
    const ids = results.flatMap((result) => (result.status === 'fulfilled' ? result.value.map((record) => Number(record.id)) : []));
    expect(ids).toEqual(Array.from({ length: 900 }, (_, index) => index + 1));
    expect(tableCounts(path)).toEqual({ memories: 900, texts: 900, codes: 900, links: 0, namespaces: 1 });
    // The namespace the failed batch created is gone with it, and can be created again.
    const [again] = await store.write(observations(1, 'agent:new'));
    expect(again!.namespace).toBe('agent:new');
    expect((await store.recall({ namespaces: ['agent:new'] })).map((hit) => hit.record.id)).toEqual([again!.id]);
  });

  it('writes while a trajectory store on the same file writes from this thread, neither waiting the other out', async () => {
    const path = join(directory, 'shared.db');
    const trajectories = SqliteTrajectoryStore.open(path);
    opened.push(trajectories);
    const store = open('shared.db');
    const run = await trajectories.createRun({ environmentId: 'test', policy: 'test', episodesRequested: 20, baseSeed: 0, concurrency: 1, config: {}, worldloopVersion: '0.0.0' });
    const writes: Promise<unknown>[] = [];
    for (let episode = 0; episode < 20; episode++) {
      writes.push(store.write(observations(250, 'agent:a', episode * 250)));
      await trajectories.startEpisode({ runId: run.id, episodeIndex: episode, seed: episode, environmentId: 'test', mission: 'share the file' });
    }
    await Promise.all(writes);
    expect(tableCounts(path).memories).toBe(5000);
    expect((await trajectories.listEpisodes({ runId: run.id })).length).toBe(20);
  });

  it('finishes the writes in flight when closed, and refuses writes afterwards', async () => {
    const path = join(directory, 'closing.db');
    const store = SqliteMemoryStore.open(path, { writer: 'thread' });
    const writes = [store.write(observations(500)), store.write(observations(500, 'agent:a', 500))];
    await store.close();
    expect((await Promise.all(writes)).flat()).toHaveLength(1000);
    await expect(store.write(observations(1))).rejects.toThrow(/is closed/);
    expect(tableCounts(path).memories).toBe(1000);
    const reopened = SqliteMemoryStore.open(path, { writer: 'thread' });
    opened.push(reopened);
    expect((await reopened.recall({ text: 'key in room 999', limit: 1 }))[0]!.record.text).toBe('I saw the red key in room 999');
  });

  it('fails with the same error as the inline writer when SQLite refuses a chunk, and releases the write lock', async () => {
    const failures: { message: string; details: unknown; cause: unknown }[] = [];
    for (const writer of ['inline', 'thread'] as const) {
      const path = join(directory, `refused-${writer}.db`);
      const store = open(`refused-${writer}.db`, { writer });
      await store.write(observations(1));
      const other = new Database(path);
      other.pragma('busy_timeout = 200');
      // The memory at position 200 of the next batch (in its second chunk) is refused by SQLite.
      other.exec(`CREATE TRIGGER refuse_room_201 BEFORE INSERT ON memories WHEN NEW.text LIKE '% room 201' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END`);
      const failure = (await store.write(observations(300, 'agent:a', 1)).then(
        () => undefined,
        (error: unknown) => error,
      )) as StoreError;
      expect(failure).toBeInstanceOf(StoreError);
      failures.push({ message: failure.message.replace(path, '<path>'), details: { ...failure.details, path: '<path>' }, cause: failure.cause });
      // Nothing of the batch is left, and its transaction no longer holds the lock.
      other.exec("INSERT INTO memory_settings (key, value) VALUES ('probe', 'written')");
      expect(other.prepare('SELECT count(*) FROM memories').pluck().get()).toBe(1);
      other.exec('DROP TRIGGER refuse_room_201');
      other.close();
      expect((await store.write(observations(2, 'agent:a', 1))).map((record) => record.id)).toEqual(['2', '3']);
    }
    expect(failures[0]!.message).toBe('Could not write 300 memories in memory store <path>: refused by a trigger.');
    expect(failures[1]).toEqual(failures[0]);
    for (const { cause } of failures) {
      expect(cause).toBeInstanceOf(Database.SqliteError);
      expect(cause).toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'refused by a trigger' });
    }
  });

  it('writes to the file the store opened by a relative path, even after the working directory changes', async () => {
    const first = join(directory, 'first');
    const second = join(directory, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const workingDirectory = process.cwd();
    try {
      process.chdir(first);
      const store = SqliteMemoryStore.open('memories.db', { writer: 'thread' });
      opened.push(store);
      // Before the thread has started (it loads its sources first), and until it has written.
      process.chdir(second);
      expect((await store.write(observations(2))).map((record) => record.id)).toEqual(['1', '2']);
      expect((await store.get(['1', '2'])).length).toBe(2);
    } finally {
      process.chdir(workingDirectory);
    }
    expect(tableCounts(join(first, 'memories.db')).memories).toBe(2);
    expect(existsSync(join(second, 'memories.db'))).toBe(false);
  });

  it('writes to the file an injected connection opened by a relative path before the working directory changed', async () => {
    const first = join(directory, 'first');
    const second = join(directory, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const workingDirectory = process.cwd();
    let database: Database.Database | undefined;
    try {
      process.chdir(first);
      database = new Database('memories.db');
      process.chdir(second);
      const store = new SqliteMemoryStore({ database, writer: 'thread' });
      opened.push(store);
      expect((await store.write(observations(2))).map((record) => record.id)).toEqual(['1', '2']);
      await store.close();
    } finally {
      process.chdir(workingDirectory);
      database?.close();
    }
    expect(tableCounts(join(first, 'memories.db')).memories).toBe(2);
    expect(existsSync(join(second, 'memories.db'))).toBe(false);
  });

  it('refuses a thread writer without a file, and an unknown writer, with a ConfigError', () => {
    expect(() => SqliteMemoryStore.open(':memory:', { writer: 'thread' })).toThrow(ConfigError);
    expect(() => SqliteMemoryStore.open(':memory:', { writer: 'thread' })).toThrow(/writer "thread" needs a database file/);
    const database = new Database(':memory:');
    expect(() => new SqliteMemoryStore({ database, writer: 'thread' })).toThrow(ConfigError);
    database.close();
    expect(() => SqliteMemoryStore.open(join(directory, 'x.db'), { writer: 'threads' as 'thread' })).toThrow(/option writer is "threads"; use "inline" or "thread"/);
  });
});
