// Tests of the vector index: bounded scans return what an unbounded scan returns, including for a
// query far from everything; an index of the earlier code is rebuilt at open, an unknown one refused.
import Database from 'better-sqlite3';
import { ConfigError } from '@worldloop/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { hyperplaneCode } from './hyperplane-code.js';
import { MemoryVectorIndex, vectorCode, type VectorFilters } from './memory-vector-index.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

const embedder = new HashedEmbedder();
const unfiltered: VectorFilters = { namespaceIds: [1], kindCodes: undefined, episodeId: undefined, since: undefined, until: undefined };
const colours = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];
const things = ['key', 'ball', 'box', 'door', 'chest', 'lamp'];

let database: Database.Database | undefined;
afterEach(() => database?.close());

/** A database with 400 gridworld memories in namespace 1, 100 in each of episodes 1 to 4. */
async function filledDatabase(): Promise<Database.Database> {
  database = new Database(':memory:');
  const store = new SqliteMemoryStore({ database, embedder });
  await store.write(
    Array.from({ length: 400 }, (_, index) => ({
      kind: 'observation' as const,
      text: `I saw the ${colours[index % 6]} ${things[Math.floor(index / 6) % 6]} at step ${index}`,
      namespace: 'agent:test',
      provenance: { episodeId: 1 + (index % 4) },
    })),
  );
  await store.close();
  return database;
}

describe('MemoryVectorIndex.nearest with sampled bounds', () => {
  it('returns what an unbounded scan returns, for near and for far queries, with and without filters', async () => {
    const filled = await filledDatabase();
    const index = new MemoryVectorIndex(filled, embedder, ':memory:');
    const unbounded = (vector: Float32Array, filter: string) =>
      filled.prepare(`SELECT memory_id FROM memory_vector_index WHERE code MATCH vec_bit(?) AND k = 30 AND namespace_id = 1 ${filter}`).pluck().all(hyperplaneCode(vector));
    const near = Array.from({ length: 5 }, (_, position) => `I saw the ${colours[position % 6]} ${things[position % 6]} at step ${position * 7}`);
    // Unrelated to every stored text: its 30th distance is far above what the sample predicts.
    const far = 'quantum zebra xylophone marmalade';
    for (const text of [...near, far]) {
      const vector = embedder.embedText(text);
      expect(unbounded(vector, 'AND episode_id = 3')).toHaveLength(30);
      expect(index.nearest(vector, 30, unfiltered)).toEqual(unbounded(vector, ''));
      expect(index.nearest(vector, 30, { ...unfiltered, episodeId: 3 })).toEqual(unbounded(vector, 'AND episode_id = 3'));
    }
  });
});

describe('MemoryVectorIndex codes at open', () => {
  const query = embedder.embedText('I saw the red key at step 7');
  const observations: VectorFilters = { ...unfiltered, kindCodes: [0] };
  const storedCode = (filled: Database.Database) => filled.prepare("SELECT value FROM memory_settings WHERE key = 'vector_code'").pluck().get();

  it('rebuilds an index of the earlier hyperplane-v1 code from the stored embeddings, once', async () => {
    const filled = await filledDatabase();
    const expected = new MemoryVectorIndex(filled, embedder, ':memory:').nearest(query, 30, unfiltered);
    const expectedObservations = new MemoryVectorIndex(filled, embedder, ':memory:').nearest(query, 30, observations);
    expect(expected).toHaveLength(30);
    // A v1 file as this version sees it: the v1 setting, float32 embeddings (memory schema 1), and
    // codes it cannot use (here: none at all).
    filled.prepare("UPDATE memory_settings SET value = 'hyperplane-v1' WHERE key = 'vector_code'").run();
    const float32 = filled.prepare('UPDATE memories SET embedding = ? WHERE id = ?');
    for (const [id, text] of filled.prepare('SELECT id, text FROM memories').raw().all() as [number, string][]) float32.run(Buffer.from(embedder.embedText(text).buffer), id);
    filled.exec('DELETE FROM memory_vector_index');
    const reopened = new MemoryVectorIndex(filled, embedder, ':memory:');
    expect(storedCode(filled)).toBe(vectorCode);
    expect(reopened.nearest(query, 30, unfiltered)).toEqual(expected);
    expect(reopened.nearest(query, 30, observations)).toEqual(expectedObservations);
    expect(filled.prepare('SELECT count(*) FROM memory_vector_index').pluck().get()).toBe(400);
  });

  it('refuses an index of a code it does not know, naming it', async () => {
    const filled = await filledDatabase();
    filled.prepare("UPDATE memory_settings SET value = 'hyperplane-v9' WHERE key = 'vector_code'").run();
    expect(() => new MemoryVectorIndex(filled, embedder, 'memories.db')).toThrow(ConfigError);
    expect(() => new MemoryVectorIndex(filled, embedder, 'memories.db')).toThrow(/memories\.db has a vector index of code "hyperplane-v9"/);
    expect(storedCode(filled)).toBe('hyperplane-v9');
  });
});
