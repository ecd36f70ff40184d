// Tests of writeMemoryBatches: every batch written with at most `inFlight` writes at once, the first
// failure stops it and says which batches committed, bad options, a failing source, a failing
// onWritten callback and a store whose write throws before returning a promise.
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
    expect((failure as StoreError).message).toMatch(/^Batch 3 could not be written, and no batch was started after it failed: Batch refused by the store\. \d+ batches \(\d+ memories\) were committed: 0-2(, 4)?\.$/);
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

  it('writes no batch taken after a failure is known, even from a slow async source', async () => {
    const { store, stats } = slowStore(new Set([0]));
    let calls = 0;
    const counting: Pick<MemoryStore, 'write'> = { write: (memories) => (calls++, store.write(memories)) };
    async function* source() {
      for (let index = 0; index < 5; index++) {
        yield batch(index);
        // Longer than any write takes: batch 0 has failed before batch 1 comes.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const failure = await writeMemoryBatches(counting, source(), { inFlight: 4 }).catch((error: unknown) => error);
    expect((failure as StoreError).details).toMatchObject({ failedBatch: 0, committedBatches: [] });
    expect(calls).toBe(1);
    expect(stats.mostAtOnce).toBe(1);
  });

  it('stops, waits for the writes in progress and rethrows when onWritten throws, leaving no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { store } = slowStore();
      let calls = 0;
      let settled = 0;
      const counting: Pick<MemoryStore, 'write'> = { write: (memories) => (calls++, store.write(memories).finally(() => settled++)) };
      const failure = await writeMemoryBatches(counting, Array.from({ length: 10 }, (_, index) => batch(index)), {
        inFlight: 2,
        onWritten: (_records, index) => {
          if (index === 1) throw new Error('the callback broke');
        },
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toBe('the callback broke');
      expect(settled).toBe(calls);
      expect(calls).toBeLessThanOrEqual(3);
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports a store whose write throws at once like one whose promise rejects', async () => {
    const { store } = slowStore();
    let calls = 0;
    const throwing: Pick<MemoryStore, 'write'> = {
      write: (memories) => {
        if (calls++ === 2) throw new StoreError('Refused before any promise.');
        return store.write(memories);
      },
    };
    const failure = await writeMemoryBatches(throwing, Array.from({ length: 6 }, (_, index) => batch(index)), { inFlight: 2 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/^Batch 2 could not be written.*Refused before any promise\./);
    expect((failure as StoreError).details).toMatchObject({ failedBatch: 2, committedBatches: [0, 1] });
  });
});
