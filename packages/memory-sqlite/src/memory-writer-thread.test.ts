// Tests of the writer thread (`writer: 'thread'`): the conformance suite on a file, the same results
// as the inline writer, writes in flight that overlap and fail alone, a file shared with a trajectory
// store written meanwhile, close with writes pending, and a thread that dies or cannot start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, StoreError, type NewMemory } from '@worldloop/spec';
import { describeMemoryStoreConformance } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { MemoryWriterThread } from './memory-writer-thread.js';
import { prepareMemoryChunk } from './prepared-memory-chunk.js';
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

  it('refuses a thread writer without a file, and an unknown writer, with a ConfigError', () => {
    expect(() => SqliteMemoryStore.open(':memory:', { writer: 'thread' })).toThrow(ConfigError);
    expect(() => SqliteMemoryStore.open(':memory:', { writer: 'thread' })).toThrow(/writer "thread" needs a database file/);
    const database = new Database(':memory:');
    expect(() => new SqliteMemoryStore({ database, writer: 'thread' })).toThrow(ConfigError);
    database.close();
    expect(() => SqliteMemoryStore.open(join(directory, 'x.db'), { writer: 'threads' as 'thread' })).toThrow(/option writer is "threads"; use "inline" or "thread"/);
  });
});

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

  it('rejects writes with the reason when the thread cannot open the file', async () => {
    const thread = new MemoryWriterThread(join(directory, 'not-a-directory', '\0', 'x.db'), 'missing.db');
    await expect(thread.write([chunk()])).rejects.toThrow(/writer thread of memory store missing\.db stopped \(it could not open the file: /);
    await thread.close();
  });
});
