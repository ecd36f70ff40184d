// Tests of SqliteMemoryStore in one process: the conformance suite, files (reopen, shared with the
// trajectory store, injected connections), embedder checks at open, options, recency over memories,
// and the approximate vector search against the exact reference store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SeededRandom } from '@worldloop/core';
import { ConfigError, StoreError, type Embedder, type NewMemory } from '@worldloop/spec';
import { describeMemoryStoreConformance, InMemoryMemoryStore } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { SqliteMemoryStore, type SqliteMemoryRecallOptions } from './sqlite-memory-store.js';
import { readStoredEmbedding } from './stored-embedding.js';

describeMemoryStoreConformance('SqliteMemoryStore (:memory:)', ({ embeddingDimension }) =>
  SqliteMemoryStore.open(':memory:', { embedder: new HashedEmbedder({ dimension: embeddingDimension }) }),
);

let directory: string;
const opened: { close(): Promise<void> }[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function track<T extends { close(): Promise<void> }>(store: T): T {
  opened.push(store);
  return store;
}

/** Uniform draws in [0, 1) from core's seeded generator: the same data on every run. */
function seeded(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

const colours = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];
const things = ['key', 'ball', 'box', 'door', 'chest', 'lamp', 'table', 'rug'];
const places = ['north room', 'south hall', 'kitchen', 'cellar', 'attic', 'garden', 'corridor'];
const verbs = ['picked up', 'dropped', 'opened', 'saw', 'toggled', 'lost', 'found', 'moved'];

/** A gridworld-like memory text. */
function sentence(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return `I ${pick(verbs)} the ${pick(colours)} ${pick(things)} in the ${pick(places)} at step ${Math.floor(random() * 500)}`;
}

const recencyOnly = { lexical: 0, vector: 0, recency: 1, importance: 0 };
const importanceOnly = { lexical: 0, vector: 0, recency: 0, importance: 1 };

/** A SqliteMemoryStore (`:memory:`) and the reference store, both holding `memories`, on the clock `now`. */
async function storeAndReference(memories: readonly NewMemory[], now: number, recall?: SqliteMemoryRecallOptions) {
  const store = track(SqliteMemoryStore.open(':memory:', { now: () => now, ...(recall === undefined ? {} : { recall }) }));
  const reference = track(new InMemoryMemoryStore({ now: () => now }));
  await store.write(memories);
  await reference.write(memories);
  return { store, reference };
}

describe('SqliteMemoryStore files', () => {
  it('gives the same recall results after closing and reopening the file', async () => {
    const path = join(directory, 'nested', 'memories.db');
    const now = () => 1_800_000_000_000;
    const random = seeded(7);
    const first = new SqliteMemoryStore({ path, now });
    const memories: NewMemory[] = Array.from({ length: 300 }, (_, index) => ({
      kind: index % 7 === 0 ? 'reflection' : 'observation',
      text: sentence(random),
      namespace: `agent:${index % 3}`,
      importance: Math.round(random() * 100) / 100,
      createdAt: now() - index * 60_000,
      provenance: { runId: 1, episodeId: 1 + (index % 5), stepIndex: index },
    }));
    await first.write(memories);
    const queries = [
      { text: 'red key in the cellar', namespaces: ['agent:0'] },
      { text: 'opened the door', namespaces: ['agent:1', 'agent:2'], limit: 20 },
      { text: 'lamp', kinds: ['reflection' as const] },
      { namespaces: ['agent:2'], episodeId: 3 },
    ];
    const before = await Promise.all(queries.map((query) => first.recall(query)));
    await first.close();
    const second = track(new SqliteMemoryStore({ path, now }));
    const after = await Promise.all(queries.map((query) => second.recall(query)));
    expect(after).toEqual(before);
    expect(before.every((hits) => hits.length > 0)).toBe(true);
  });

  it('keeps embeddings as float16 on 16 KiB pages, and reads a schema-1 file of float32 rows as before, mixed with new rows', async () => {
    const path = join(directory, 'upgraded.db');
    const now = () => 1_800_000_000_000;
    const random = seeded(11);
    const memories = (count: number): NewMemory[] =>
      Array.from({ length: count }, (_, index) => ({ kind: 'observation', text: sentence(random), namespace: 'agent:0', createdAt: now() - index * 1000 }));
    const first = new SqliteMemoryStore({ path, now });
    await first.write(memories(200));
    const queries = [{ text: 'red key in the cellar' }, { text: 'opened the door', weights: { lexical: 0, vector: 1, recency: 0, importance: 0 } }];
    const before = await Promise.all(queries.map((query) => first.recall(query)));
    await first.close();
    // The file as schema 1 wrote it: float32 embeddings, no migration 2.
    const file = new Database(path);
    expect(file.pragma('page_size', { simple: true })).toBe(16_384);
    expect(file.prepare('SELECT DISTINCT length(embedding) FROM memories').pluck().all()).toEqual([768]);
    const embedder = new HashedEmbedder();
    const float32 = file.prepare('UPDATE memories SET embedding = ? WHERE id = ?');
    for (const [id, text] of file.prepare('SELECT id, text FROM memories').raw().all() as [number, string][]) float32.run(Buffer.from(embedder.embedText(text).buffer), id);
    file.prepare('DELETE FROM memory_migrations WHERE version = 2').run();
    file.close();
    const upgraded = track(new SqliteMemoryStore({ path, now }));
    const after = await Promise.all(queries.map((query) => upgraded.recall(query)));
    // The same memories in the same order; scores (normalised over the candidates) agree to about half-float precision.
    expect(after.map((hits) => hits.map((hit) => hit.record.id))).toEqual(before.map((hits) => hits.map((hit) => hit.record.id)));
    after.flat().forEach((hit, index) => expect(hit.score).toBeCloseTo(before.flat()[index]!.score, 2));
    await upgraded.write(memories(50));
    const mixed = await upgraded.recall({ text: 'red key in the cellar', limit: 250, weights: { lexical: 0, vector: 1, recency: 0, importance: 0 } });
    expect(mixed.length).toBeGreaterThan(0);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT length(embedding) AS bytes, count(*) AS rows FROM memories GROUP BY 1 ORDER BY 1').all()).toEqual([
      { bytes: 768, rows: 50 },
      { bytes: 1536, rows: 200 },
    ]);
    expect(check.prepare('SELECT max(version) FROM memory_migrations').pluck().get()).toBe(2);
    check.close();
  });

  it('shares a file with the trajectory store, each with its own migrations', async () => {
    const path = join(directory, 'worldloop.db');
    const trajectories = track(SqliteTrajectoryStore.open(path));
    const memories = track(SqliteMemoryStore.open(path));
    const run = await trajectories.createRun({ environmentId: 'line', policy: 'test', episodesRequested: 1, baseSeed: 1, concurrency: 1, config: {}, worldloopVersion: '0' });
    const [record] = await memories.write([{ kind: 'fact', text: 'shared file', namespace: 'agent:a', provenance: { runId: run.id } }]);
    expect((await memories.recall({ text: 'shared' }))[0]!.record).toEqual(record);
    const database = new Database(path, { readonly: true });
    const tables = database.prepare("SELECT name FROM sqlite_schema WHERE name LIKE '%migrations'").pluck().all();
    database.close();
    expect(tables.sort()).toEqual(['memory_migrations', 'trajectory_migrations']);
  });

  it('works on an injected connection and leaves it open', async () => {
    const database = new Database(':memory:');
    const store = new SqliteMemoryStore({ database });
    await store.write([{ kind: 'fact', text: 'injected', namespace: 'agent:a' }]);
    await store.close();
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT count(*) FROM memories').pluck().get()).toBe(1);
    database.close();
  });

  it('reads the file through a memory map of the configured size (2 GiB by default)', async () => {
    const database = new Database(join(directory, 'mapped.db'));
    track(new SqliteMemoryStore({ database }));
    expect(database.pragma('mmap_size', { simple: true })).toBe(0x7fff0000);
    track(new SqliteMemoryStore({ database, memoryMappedBytes: 1 << 20 }));
    expect(database.pragma('mmap_size', { simple: true })).toBe(1 << 20);
    track(new SqliteMemoryStore({ database, memoryMappedBytes: 0 }));
    expect(database.pragma('mmap_size', { simple: true })).toBe(0);
    database.close();
  });

  it('writes a batch of many rows with consecutive ids, a link to an earlier memory of the batch accepted and to a later one refused', async () => {
    const store = track(SqliteMemoryStore.open(':memory:'));
    const [first] = await store.write([{ kind: 'fact', text: 'the first memory', namespace: 'agent:a' }]);
    const batch = Array.from({ length: 150 }, (_, index) => ({ kind: 'observation' as const, text: `step ${index}`, namespace: 'agent:a' }));
    // Ids continue from the last one: the batch's memory 0 gets first + 1, so it may be linked from memory 1.
    const nextId = String(Number(first!.id) + 1);
    const written = await store.write([...batch.slice(0, 1), { ...batch[1]!, links: [first!.id, nextId] }, ...batch.slice(2)]);
    expect(written.map((record) => Number(record.id))).toEqual(Array.from({ length: 150 }, (_, index) => Number(first!.id) + 1 + index));
    expect(written[1]!.links).toEqual([first!.id, nextId]);
    const later = String(Number(first!.id) + 152);
    await expect(store.write([{ kind: 'fact', text: 'links ahead', namespace: 'agent:a', links: [later] }, { kind: 'fact', text: 'later', namespace: 'agent:a' }])).rejects.toThrow(/links to memory \d+, which does not exist/);
    const hits = await store.recall({ text: 'step 149', namespaces: ['agent:a'], limit: 1, weights: { lexical: 1, vector: 0, recency: 0, importance: 0 } });
    expect(hits[0]!.record).toMatchObject({ id: written[149]!.id, text: 'step 149' });
  });

  it('creates a namespace again after the batch that first created it was refused', async () => {
    const store = track(SqliteMemoryStore.open(':memory:'));
    await expect(store.write([{ kind: 'fact', text: 'links nowhere', namespace: 'agent:new', links: ['999'] }])).rejects.toThrow(/links to memory 999, which does not exist/);
    const [record] = await store.write([{ kind: 'fact', text: 'the first memory of agent:new', namespace: 'agent:new' }]);
    expect((await store.recall({ namespaces: ['agent:new'] })).map((hit) => hit.record)).toEqual([record]);
  });

  it('forgets a namespace created inside a transaction of an injected connection that is rolled back', async () => {
    const database = new Database(':memory:');
    const store = track(new SqliteMemoryStore({ database }));
    database.exec('BEGIN');
    await store.write([{ kind: 'fact', text: 'written, then rolled back', namespace: 'agent:rolled-back' }]);
    expect((await store.recall({ namespaces: ['agent:rolled-back'] })).length).toBe(1);
    database.exec('ROLLBACK');
    // The namespace id the rolled-back one had is free again, and goes to another namespace.
    const [other] = await store.write([{ kind: 'fact', text: 'in another namespace', namespace: 'agent:other' }]);
    const [again] = await store.write([{ kind: 'fact', text: 'written again', namespace: 'agent:rolled-back' }]);
    expect((await store.get([other!.id, again!.id])).map((record) => record.namespace)).toEqual(['agent:other', 'agent:rolled-back']);
    expect((await store.recall({ namespaces: ['agent:rolled-back'] })).map((hit) => hit.record.text)).toEqual(['written again']);
    expect((await store.recall({ namespaces: ['agent:other'] })).map((hit) => hit.record.text)).toEqual(['in another namespace']);
    await store.close();
    database.close();
  });

  it('stores a given embedding as it was when write was called, whatever the caller does with its array afterwards', async () => {
    const database = new Database(':memory:');
    const store = track(new SqliteMemoryStore({ database }));
    const embedder = new HashedEmbedder();
    const red = embedder.embedText('the red key');
    const blue = embedder.embedText('the blue door');
    // One scratch array reused for every write, changed before the writes are awaited.
    const scratch = Float32Array.from(red);
    const first = store.write([{ kind: 'fact', text: 'the red key', namespace: 'a', embedding: scratch }]);
    scratch.set(blue);
    const second = store.write([
      { kind: 'fact', text: 'the blue door', namespace: 'a', embedding: scratch },
      { kind: 'fact', text: 'embedded by the store', namespace: 'a' },
    ]);
    scratch.fill(Number.NaN);
    await Promise.all([first, second]);
    const stored = (database.prepare('SELECT embedding FROM memories ORDER BY id').pluck().all() as Buffer[]).map((blob) => readStoredEmbedding(blob, 384));
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    expect(cosine(stored[0]!, red)).toBeCloseTo(1, 3);
    expect(cosine(stored[1]!, blue)).toBeCloseTo(1, 3);
    const hits = await store.recall({ embedding: red, limit: 3, weights: { lexical: 0, vector: 1, recency: 0, importance: 0 } });
    expect(hits.map((hit) => hit.components.vector).every(Number.isFinite)).toBe(true);
    expect(hits[0]!.record.text).toBe('the red key');
    await store.close();
    database.close();
  });

  it('gets only the memories asked for, never another one whose id an unsafe integer rounds to', async () => {
    const database = new Database(':memory:');
    const store = track(new SqliteMemoryStore({ database }));
    database.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('memories', ?)").run(2 ** 53 - 1);
    const [record] = await store.write([{ kind: 'fact', text: 'the id 2^53', namespace: 'a' }]);
    expect(record!.id).toBe('9007199254740992');
    // 2^53 + 1 is not held: as a JS number it reads 2^53, the id of another memory.
    expect(await store.get(['9007199254740993'])).toEqual([]);
    expect(await store.get(['9007199254740993', record!.id])).toEqual([record]);
    // Nor may a link name it: it is refused, not taken for its neighbour.
    await expect(store.write([{ kind: 'fact', text: 'linked', namespace: 'a', links: ['9007199254740993'] }])).rejects.toThrow(/links to "9007199254740993", which is not a memory id/);
    await store.close();
    database.close();
  });

  it('refuses calls after close with a StoreError', async () => {
    const store = SqliteMemoryStore.open(':memory:');
    await store.close();
    await expect(store.recall({ text: 'x' })).rejects.toThrow(/is closed/);
    await expect(store.get(['1'])).rejects.toThrow(/is closed/);
    await expect(store.write([{ kind: 'fact', text: 'x', namespace: 'a' }])).rejects.toBeInstanceOf(StoreError);
  });

  it('wraps an unusable file in a StoreError naming the path', () => {
    expect(() => SqliteMemoryStore.open(join(directory, 'no-such-dir-\0', 'x.db'))).toThrow();
    const notADatabase = join(directory, 'text.db');
    writeFileSync(notADatabase, 'this is not an SQLite database, just text that is long enough to be read as a header'.repeat(20));
    expect(() => SqliteMemoryStore.open(notADatabase)).toThrow(StoreError);
    expect(() => SqliteMemoryStore.open(notADatabase)).toThrow(/text\.db.*not an SQLite database/s);
  });
});

describe('SqliteMemoryStore embedder checks', () => {
  it('records the embedder at first open and refuses another dimension or embedder later, naming both', async () => {
    const path = join(directory, 'memories.db');
    await SqliteMemoryStore.open(path).close();
    let error: unknown;
    try {
      SqliteMemoryStore.open(path, { embedder: new HashedEmbedder({ dimension: 768 }) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/holds 384-dimension embeddings.*"worldloop\/hashed-ngram-v1".*768-dimension.*new file/s);

    const other: Embedder = { id: 'acme/embed-small', dimension: 384, embed: async (texts) => texts.map(() => new Float32Array(384).fill(1)) };
    expect(() => SqliteMemoryStore.open(path, { embedder: other })).toThrow(/made by "worldloop\/hashed-ngram-v1".*"acme\/embed-small"/s);
    track(SqliteMemoryStore.open(path, { embedder: new HashedEmbedder() }));
  });

  it('refuses an embedder that returns vectors of the wrong length, or zero vectors', async () => {
    const liar: Embedder = { id: 'liar', dimension: 4, embed: async (texts) => texts.map(() => new Float32Array(3).fill(1)) };
    const store = track(SqliteMemoryStore.open(':memory:', { embedder: liar }));
    await expect(store.write([{ kind: 'fact', text: 'x', namespace: 'a' }])).rejects.toThrow(/has 3 dimensions.*4-dimension/);
    const zero: Embedder = { id: 'zero', dimension: 4, embed: async (texts) => texts.map(() => new Float32Array(4)) };
    const zeros = track(SqliteMemoryStore.open(':memory:', { embedder: zero }));
    await expect(zeros.write([{ kind: 'fact', text: 'x', namespace: 'a' }])).rejects.toThrow(/all zeros/);
    await expect(zeros.write([{ kind: 'fact', text: 'x', namespace: 'a', embedding: [0, 0, Number.NaN, 1] }])).rejects.toThrow(/NaN at index 2/);
  });

  it('refuses bad options with a ConfigError', () => {
    const bad = [
      { recall: { recency: { decay: 0 } } },
      { recall: { recency: { decay: 1.5 } } },
      { recall: { recency: { unit: 'day' as never } } },
      { recall: { candidatesPerSource: 0 } },
      { recall: { vectorOversampling: 0.5 } },
      { memoryMappedBytes: -1 },
      { memoryMappedBytes: 1.5 },
      { recall: { limit: -1 } },
      { recall: { weights: { lexical: -1 } } },
      { embedder: new HashedEmbedder({ dimension: 1 }) as Embedder, recall: { weights: { relevance: 1 } as never } },
    ];
    for (const options of bad) expect(() => SqliteMemoryStore.open(':memory:', options), JSON.stringify(options)).toThrow(ConfigError);
    expect(() => new HashedEmbedder({ dimension: 0 })).toThrow(ConfigError);
  });
});

describe('SqliteMemoryStore recall', () => {
  it('decays recency per memory written to the namespace when asked, ignoring wall time', async () => {
    const store = track(SqliteMemoryStore.open(':memory:', { recall: { recency: { unit: 'memory', decay: 0.5 }, weights: { lexical: 0, vector: 0, recency: 1, importance: 0 } } }));
    const now = Date.now();
    // Written oldest-last in wall time, so only the write order can rank them this way.
    await store.write([
      { kind: 'fact', text: 'first', namespace: 'agent:a', createdAt: now },
      { kind: 'fact', text: 'second', namespace: 'agent:a', createdAt: now - 1000 * 3_600_000 },
      { kind: 'fact', text: 'other agent', namespace: 'agent:b', createdAt: now },
      { kind: 'fact', text: 'third', namespace: 'agent:a', createdAt: now - 2000 * 3_600_000 },
    ]);
    const hits = await store.recall({ namespaces: ['agent:a'] });
    expect(hits.map((hit) => hit.record.text)).toEqual(['third', 'second', 'first']);
    // Raw recency 0.5^0, 0.5^1, 0.5^2 = 1, 0.5, 0.25, normalised over the three.
    expect(hits.map((hit) => hit.components.recency)).toEqual([1, 1 / 3, 0]);
  });

  it('finds the same vector neighbours as exact search on 3,000 hashed-embedded memories (recall@10 ≥ 0.95)', async () => {
    const random = seeded(11);
    const memories: NewMemory[] = Array.from({ length: 3000 }, () => ({ kind: 'observation', text: sentence(random), namespace: 'agent:a' }));
    const store = track(SqliteMemoryStore.open(':memory:'));
    const exact = track(new InMemoryMemoryStore({ embedder: new HashedEmbedder() }));
    for (let start = 0; start < memories.length; start += 500) {
      await store.write(memories.slice(start, start + 500));
      await exact.write(memories.slice(start, start + 500));
    }
    const vectorOnly = { lexical: 0, vector: 1, recency: 0, importance: 0 };
    let found = 0;
    const queries = 25;
    for (let index = 0; index < queries; index++) {
      const text = sentence(random);
      const approximate = await store.recall({ text, weights: vectorOnly, limit: 10 });
      const truth = await exact.recall({ text, weights: vectorOnly, limit: 10 });
      // Ties at the 10th place may be broken either way: count a hit when its similarity reaches the 10th exact one.
      const tenth = truth[9]!.components.vector;
      const threshold = (hit: { record: { id: string } }) => truth.some((candidate) => candidate.record.id === hit.record.id);
      found += approximate.filter((hit) => threshold(hit) || hit.components.vector >= tenth - 1e-6).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the newest and the most important memories within kind and time filters like the reference store', async () => {
    const random = seeded(9);
    const now = 1_800_000_000_000;
    // 3,000 memories, a third of them reflections: the filtered sources read the namespace in index order.
    const memories: NewMemory[] = Array.from({ length: 3000 }, (_, index) => ({
      kind: index % 3 === 0 ? 'reflection' : 'observation',
      text: `${sentence(random)} (memory ${index})`,
      namespace: 'agent:a',
      importance: Math.round(random() * 50) / 50,
      createdAt: now - (3000 - index) * 60_000,
    }));
    const { store, reference } = await storeAndReference(memories, now);
    for (const weights of [recencyOnly, importanceOnly]) {
      for (const filters of [{ kinds: ['reflection' as const], since: now - 1500 * 60_000 }, { kinds: ['observation' as const] }, { until: now - 2000 * 60_000 }]) {
        const query = { namespaces: ['agent:a'], weights, limit: 10, ...filters };
        const ours = (await store.recall(query)).map((hit) => hit.record.text);
        expect(ours).toHaveLength(10);
        expect(ours).toEqual((await reference.recall(query)).map((hit) => hit.record.text));
      }
    }
  });

  it('matches a word that no memory held when an earlier recall looked it up, once a memory with it is written', async () => {
    const store = track(SqliteMemoryStore.open(':memory:'));
    const lexicalOnly = { lexical: 1, vector: 0, recency: 0, importance: 0 };
    await store.write([{ kind: 'fact', text: 'an apple on the table', namespace: 'agent:a' }]);
    expect(await store.recall({ text: 'zebra', weights: lexicalOnly })).toEqual([]);
    await store.write([{ kind: 'fact', text: 'a zebra at the crossing', namespace: 'agent:a' }]);
    const hits = await store.recall({ text: 'zebra', weights: lexicalOnly });
    expect(hits.map((hit) => hit.record.text)).toEqual(['a zebra at the crossing']);
    expect(hits[0]!.components.lexical).toBe(1);
  });

  it('matches a memory when recalled with its own text, whatever Unicode it holds (width forms, ligatures, marks that do not compose, dotted capital I)', async () => {
    const texts = ['Ａｐｐｌｅ ｊｕｉｃｅ', 'ﬁne ﬂour', 'ｶﾀｶﾅ', 'x\u0301yz', 'q\u0323\u0307r', 'İstanbul', 'x² ①', 'ǅemal', 'café au lait', 'cafe\u0301 noir', 'हिन्दी भाषा', '東京タワー', 'rocket 🚀 launch'];
    const store = track(SqliteMemoryStore.open(':memory:'));
    const reference = track(new InMemoryMemoryStore({ embedder: new HashedEmbedder() }));
    const memories = [...texts, 'other words entirely'].map((text): NewMemory => ({ kind: 'fact', text, namespace: 'agent:a' }));
    await store.write(memories);
    await reference.write(memories);
    const lexicalOnly = { lexical: 1, vector: 0, recency: 0, importance: 0 };
    for (const text of texts) {
      const ours = (await store.recall({ text, weights: lexicalOnly })).map((hit) => hit.record.text);
      const theirs = (await reference.recall({ text, weights: lexicalOnly })).filter((hit) => hit.components.lexical > 0).map((hit) => hit.record.text);
      expect(ours, JSON.stringify(text)).toContain(text);
      expect(theirs, JSON.stringify(text)).toContain(text);
    }
  });

  it('applies since and until between whole milliseconds to the vector candidates like the reference store', async () => {
    const now = 5000;
    const memories = [1000, 2000, 3000].map((createdAt, index): NewMemory => ({ kind: 'fact', text: `red key ${index}`, namespace: 'agent:a', createdAt }));
    const { store, reference } = await storeAndReference(memories, now);
    const vectorOnly = { lexical: 0, vector: 1, recency: 0, importance: 0 };
    for (const range of [{ until: 2000.5 }, { since: 2000.0000001 }, { since: 1999.5, until: 2000.5 }, { since: 1000.2, until: 1000.7 }, { since: -0.5 }]) {
      const query = { text: 'red key', weights: vectorOnly, ...range };
      // The reference has no embedder (every similarity 0): compare the memories found, not their order.
      const ours = (await store.recall(query)).map((hit) => hit.record.createdAt).sort();
      expect(ours, JSON.stringify(range)).toEqual((await reference.recall(query)).map((hit) => hit.record.createdAt).sort());
    }
  });

  it('ranks exactly like the reference store when only recency and importance count', async () => {
    const random = seeded(3);
    const now = 1_800_000_000_000;
    const memories: NewMemory[] = Array.from({ length: 200 }, (_, index) => ({
      kind: 'fact',
      text: sentence(random),
      namespace: index % 2 === 0 ? 'agent:a' : 'agent:b',
      importance: Math.round(random() * 20) / 20,
      createdAt: now - Math.floor(random() * 100) * 3_600_000,
    }));
    const { store, reference } = await storeAndReference(memories, now, { candidatesPerSource: 200 });
    for (const weights of [recencyOnly, importanceOnly, { lexical: 0, vector: 0, recency: 1, importance: 1 }]) {
      const query = { namespaces: ['agent:a'], weights, limit: 15 };
      const ours = await store.recall(query);
      const theirs = await reference.recall(query);
      expect(ours.map((hit) => hit.record.text)).toEqual(theirs.map((hit) => hit.record.text));
      ours.forEach((hit, index) => expect(hit.score).toBeCloseTo(theirs[index]!.score, 9));
    }
  });
});
