// Tests of the vector index's learnt distance bound: once warmed up, bounded scans return what an
// unbounded scan returns, including for a query far from everything the bound was learnt on.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';
import { MemoryVectorIndex, type VectorFilters } from './memory-vector-index.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

const embedder = new HashedEmbedder();
const unfiltered: VectorFilters = { namespaceIds: [1], kindCodes: undefined, episodeId: undefined, since: undefined, until: undefined };
const colours = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];
const things = ['key', 'ball', 'box', 'door', 'chest', 'lamp'];

let database: Database.Database | undefined;
afterEach(() => database?.close());

/** A database with 400 gridworld memories in namespace 1. */
async function filledDatabase(): Promise<Database.Database> {
  database = new Database(':memory:');
  const store = new SqliteMemoryStore({ database, embedder });
  await store.write(
    Array.from({ length: 400 }, (_, index) => ({
      kind: 'observation' as const,
      text: `I saw the ${colours[index % 6]} ${things[Math.floor(index / 6) % 6]} at step ${index}`,
      namespace: 'agent:test',
    })),
  );
  await store.close();
  return database;
}

describe('MemoryVectorIndex.nearest with a learnt bound', () => {
  it('returns what a fresh (unbounded) index returns, for near and for far queries', async () => {
    const filled = await filledDatabase();
    const warmed = new MemoryVectorIndex(filled, embedder, ':memory:');
    const near = Array.from({ length: 20 }, (_, index) => `I saw the ${colours[index % 6]} ${things[index % 6]} at step ${index * 7}`);
    for (const text of near) warmed.nearest(embedder.embedText(text), 30, unfiltered);
    // Unrelated to every stored text: its 30th distance is far above the bound learnt on `near`.
    const far = 'quantum zebra xylophone marmalade';
    for (const text of [...near.slice(0, 5), far]) {
      const vector = embedder.embedText(text);
      const expected = new MemoryVectorIndex(filled, embedder, ':memory:').nearest(vector, 30, unfiltered);
      expect(expected).toHaveLength(30);
      expect(warmed.nearest(vector, 30, unfiltered)).toEqual(expected);
    }
  });
});
