// Tests of the code sample's distance bounds: ascending, within the filters, stopping where the
// sample runs out, and near the target number of memories on seeded data.
import Database from 'better-sqlite3';
import { SeededRandom } from '@worldloop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeSample, type SampleSource } from './code-sample.js';
import { HashedEmbedder } from './hashed-embedder.js';
import { hyperplaneCode } from './hyperplane-code.js';
import type { VectorFilters } from './memory-vector-index.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

const embedder = new HashedEmbedder();
const colours = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];
const things = ['key', 'ball', 'box', 'door', 'chest', 'lamp'];
const everything: VectorFilters = { namespaceIds: undefined, kindCodes: undefined, episodeId: undefined, since: undefined, until: undefined };
const memoryCount = 6000;

let database: Database.Database;
let sample: CodeSample;
beforeAll(async () => {
  database = new Database(':memory:');
  const store = new SqliteMemoryStore({ database, embedder });
  const random = new SeededRandom(5);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random.next() * list.length)]!;
  await store.write(
    Array.from({ length: memoryCount }, (_, index) => ({
      kind: index % 3 === 0 ? ('reflection' as const) : ('observation' as const),
      text: `I saw the ${pick(colours)} ${pick(things)} near the ${pick(colours)} ${pick(things)} at step ${Math.floor(random.next() * 1000)}`,
      namespace: `agent:${index % 2}`,
      createdAt: 1_000_000 + index,
    })),
  );
  await store.close();
  sample = new CodeSample(database.prepare('SELECT namespace_id, kind, created_at, episode_id, code FROM memory_vector_index WHERE memory_id = ?') as SampleSource);
  sample.update(memoryCount);
});
afterAll(() => database.close());

/** Memories at hamming distance ≤ bound from the query, counted by an exhaustive scan. */
function within(queryCode: Buffer, bound: number): number {
  return database.prepare('SELECT count(*) FROM memory_vector_index WHERE code MATCH vec_bit(?) AND k = 4096 AND distance <= ?').pluck().get(queryCode, bound) as number;
}

describe('CodeSample.bounds', () => {
  const queryCode = hyperplaneCode(embedder.embedText('I saw the red key near the blue door'));

  it('gives ascending bounds and stops at the first target the sample cannot reach', () => {
    const bounds = sample.bounds(queryCode, everything, undefined, [200, 800, 1_000_000]);
    expect(bounds).toHaveLength(2);
    expect(bounds[0]!).toBeLessThan(bounds[1]!);
  });

  it('lets through about the target number of memories', () => {
    for (const text of ['I saw the red key near the blue door', 'green lamp', 'the purple chest at step 12']) {
      const code = hyperplaneCode(embedder.embedText(text));
      const [bound] = sample.bounds(code, everything, undefined, [600]);
      expect(within(code, bound!)).toBeGreaterThan(600 / 3);
      expect(within(code, bound!)).toBeLessThan(600 * 3);
    }
  });

  it('counts only sampled memories within the filters and the namespace', () => {
    expect(sample.bounds(queryCode, { ...everything, kindCodes: [4] }, undefined, [100])).toEqual([]);
    expect(sample.bounds(queryCode, everything, 99, [100])).toEqual([]);
    expect(sample.bounds(queryCode, { ...everything, since: 1_000_000 + memoryCount }, undefined, [100])).toEqual([]);
    // A third of the memories are reflections: a bound that lets 300 reflections through reaches further than one for 300 of all.
    const [all] = sample.bounds(queryCode, everything, undefined, [300]);
    const [reflections] = sample.bounds(queryCode, { ...everything, kindCodes: [2] }, undefined, [300]);
    const [oneNamespace] = sample.bounds(queryCode, everything, 1, [300]);
    expect(reflections!).toBeGreaterThan(all!);
    expect(oneNamespace!).toBeGreaterThanOrEqual(all!);
  });
});
