// The sequence pool's placement (prefix first, no needless eviction), queueing, fairness and abort.
import { AbortedError, ModelBackendError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { SequencePool } from './sequence-pool.js';

interface FakeSequence {
  readonly name: string;
  tokens: number[];
}

function pool(count: number): { pool: SequencePool<FakeSequence>; sequences: FakeSequence[] } {
  const sequences = Array.from({ length: count }, (_, index) => ({ name: `s${index}`, tokens: [] as number[] }));
  return { pool: new SequencePool(sequences, (sequence) => sequence.tokens), sequences };
}

/** Acquires, "evaluates" the prompt into the sequence, releases; returns the sequence used. */
async function run(target: SequencePool<FakeSequence>, prompt: number[]): Promise<{ name: string; shared: number }> {
  const lease = await target.acquire(prompt);
  lease.slot.tokens = [...prompt, 99];
  target.release(lease.slot);
  return { name: lease.slot.name, shared: lease.sharedPrefixTokens };
}

const SYSTEM = [1, 2, 3, 4];

describe('SequencePool', () => {
  it('sends an episode back to the sequence holding its previous step', async () => {
    const { pool: target } = pool(3);
    const a1 = await run(target, [...SYSTEM, 10, 11]);
    const b1 = await run(target, [...SYSTEM, 20, 21]);
    const c1 = await run(target, [...SYSTEM, 30]);
    expect(new Set([a1.name, b1.name, c1.name]).size).toBe(3);
    const a2 = await run(target, [...SYSTEM, 10, 11, 99, 12]);
    expect(a2).toEqual({ name: a1.name, shared: 7 });
    const b2 = await run(target, [...SYSTEM, 20, 21, 99, 22]);
    expect(b2).toEqual({ name: b1.name, shared: 7 });
  });

  it('recognises the episode even when the tokens generated after its last prompt are not in the new one', async () => {
    const { pool: target } = pool(2);
    const a1 = await run(target, [...SYSTEM, 10]); // cached: SYSTEM, 10, 99 (99 = generated)
    const a2 = await run(target, [...SYSTEM, 10, 98, 11]); // the policy rewrote the reply as 98
    expect(a2).toEqual({ name: a1.name, shared: 5 });
  });

  it('places a new episode on an empty sequence rather than evict a longer history for a shared system prompt', async () => {
    const { pool: target } = pool(2);
    const a = await run(target, [...SYSTEM, 10, 11, 12, 13, 14, 15]);
    const b = await run(target, [...SYSTEM, 20]);
    expect(b.name).not.toBe(a.name);
    expect(b.shared).toBe(0);
  });

  it('evicts the least recently used history when every sequence holds another one', async () => {
    const { pool: target } = pool(2);
    const ended = await run(target, [...SYSTEM, 10, 11, 12]);
    const active = await run(target, [...SYSTEM, 20]);
    await run(target, [...SYSTEM, 20, 99, 21]);
    const next = await run(target, [...SYSTEM, 30]);
    expect(next.name).toBe(ended.name);
    expect(next.name).not.toBe(active.name);
    expect(next.shared).toBe(4);
  });

  it('queues requests beyond its size and hands a released sequence to the waiter it suits best', async () => {
    const { pool: target, sequences } = pool(1);
    const first = await target.acquire([...SYSTEM, 10]);
    first.slot.tokens = [...SYSTEM, 10, 99];
    const order: string[] = [];
    const other = target.acquire([...SYSTEM, 20]).then((lease) => {
      order.push('other');
      return lease;
    });
    const same = target.acquire([...SYSTEM, 10, 99, 11]).then((lease) => {
      order.push('same');
      return lease;
    });
    expect(target.busy).toBe(1);
    expect(target.waiting).toBe(2);
    target.release(first.slot);
    const sameLease = await same;
    expect(sameLease.sharedPrefixTokens).toBe(6);
    expect(sameLease.waitedMs).toBeGreaterThanOrEqual(0);
    target.release(sameLease.slot);
    const otherLease = await other;
    expect(order).toEqual(['same', 'other']);
    expect(otherLease.slot).toBe(sequences[0]);
    target.release(otherLease.slot);
    expect(target.busy).toBe(0);
  });

  it('does not let better-matching newcomers starve the oldest waiter', async () => {
    const { pool: target } = pool(1);
    let lease = await target.acquire([7]);
    lease.slot.tokens = [7, 7, 7];
    const starving = target.acquire([1]);
    let servedStarving = false;
    void starving.then(() => (servedStarving = true));
    for (let round = 0; round < 5 && !servedStarving; round++) {
      const matching = target.acquire([7, 7, 7, round]);
      target.release(lease.slot);
      await Promise.race([matching.then((next) => (lease = next)), starving.then((next) => (lease = next))]);
      await Promise.resolve();
      lease.slot.tokens = [7, 7, 7];
    }
    // One sequence: the oldest waiter is passed over at most once before it is served.
    expect(servedStarving).toBe(true);
  });

  it('rejects an aborted waiter with AbortedError and takes it out of the queue', async () => {
    const { pool: target } = pool(1);
    const held = await target.acquire([1]);
    const controller = new AbortController();
    const waiting = target.acquire([2], controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(target.waiting).toBe(0);
    await expect(target.acquire([3], controller.signal)).rejects.toBeInstanceOf(AbortedError);
    target.release(held.slot);
    expect(target.busy).toBe(0);
  });

  it('rejects waiting and later requests once closed', async () => {
    const { pool: target } = pool(1);
    await target.acquire([1]);
    const waiting = target.acquire([2]);
    target.close();
    await expect(waiting).rejects.toBeInstanceOf(ModelBackendError);
    await expect(target.acquire([3])).rejects.toThrow(/closed/);
  });
});
