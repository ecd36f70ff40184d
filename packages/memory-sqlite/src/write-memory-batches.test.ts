// Tests of writeMemoryBatches: every batch written with at most `inFlight` writes at once, the first
// failure stops it and says which batches committed, bad options and a failing source.
import { ConfigError, StoreError, type MemoryRecord, type MemoryStore, type NewMemory } from '@worldloop/spec';
import { InMemoryMemoryStore } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { writeMemoryBatches } from './write-memory-batches.js';

const batch = (index: number, size = 3): NewMemory[] => Array.from({ length: size }, (_, offset) => ({ kind: 'fact', text: `batch ${index} memory ${offset}`, namespace: 'agent:a' }));

/** A store whose writes take a few ms (varying, so that they finish out of order), counting how many run at once. */
function slowStore(failing: ReadonlySet<number> = new Set()) {
  const inner = new InMemoryMemoryStore();
  let running = 0;
  let calls = 0;
  const stats = { mostAtOnce: 0 };
  const store: Pick<MemoryStore, 'write'> = {
    async write(memories) {
      const call = calls++;
      running++;
      stats.mostAtOnce = Math.max(stats.mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 1 + ((call * 7) % 5)));
      running--;
      if (failing.has(call)) throw new StoreError(`Batch refused by the store.`);
      return inner.write(memories);
    },
  };
  return { store, inner, stats };
}

describe('writeMemoryBatches', () => {
  it.each([1, 2, 4])('writes every batch with at most %i writes at once', async (inFlight) => {
    const { store, inner, stats } = slowStore();
    const seen: number[] = [];
    const written = await writeMemoryBatches(store, Array.from({ length: 10 }, (_, index) => batch(index)), { inFlight, onWritten: (records: readonly MemoryRecord[], index) => seen.push(index, records.length) });
    expect(written).toBe(30);
    expect(stats.mostAtOnce).toBe(inFlight);
    expect(seen.filter((_, position) => position % 2 === 0).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await inner.recall({ namespaces: ['agent:a'], limit: 100 })).length).toBe(30);
  });

  it('takes batches from an async source', async () => {
    const { store } = slowStore();
    async function* source() {
      for (let index = 0; index < 5; index++) yield batch(index, 2);
    }
    expect(await writeMemoryBatches(store, source())).toBe(10);
  });

  it('stops at the first failure, waits for the writes in progress and says which batches were committed', async () => {
    const { store } = slowStore(new Set([3]));
    let taken = 0;
    const batches = (function* () {
      for (let index = 0; index < 20; index++, taken++) yield batch(index);
    })();
    const failure = await writeMemoryBatches(store, batches, { inFlight: 2 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/^Batch 3 could not be written, and no later batch was taken: Batch refused by the store\. \d+ batches \(\d+ memories\) were committed: 0-2(, 4)?\.$/);
    expect((failure as StoreError).details).toMatchObject({ failedBatch: 3 });
    expect((failure as StoreError).cause).toBeInstanceOf(StoreError);
    expect(taken).toBeLessThanOrEqual(5);
  });

  it('refuses a bad inFlight with a ConfigError, and waits for writes in progress when the source throws', async () => {
    const { store } = slowStore();
    await expect(writeMemoryBatches(store, [], { inFlight: 0 })).rejects.toBeInstanceOf(ConfigError);
    let finished = 0;
    const counting: Pick<MemoryStore, 'write'> = { write: async (memories) => (await store.write(memories)).map((record) => (finished++, record)) };
    const source = (function* () {
      yield batch(0);
      throw new Error('the source broke');
    })();
    await expect(writeMemoryBatches(counting, source, { inFlight: 4 })).rejects.toThrow('the source broke');
    expect(finished).toBe(3);
  });
});
