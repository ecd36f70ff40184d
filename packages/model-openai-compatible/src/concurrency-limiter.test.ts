// The semaphore: limit respected, first come first served, aborted waiters leave the queue.
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('grants up to the limit, then in arrival order as places are released', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: number[] = [];
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const waiting = [3, 4].map((label) => limiter.acquire().then((release) => (order.push(label), release)));
    expect(limiter).toMatchObject({ active: 2, waiting: 2 });
    first();
    first();
    const third = await waiting[0]!;
    expect(limiter).toMatchObject({ active: 2, waiting: 1 });
    second();
    third();
    (await waiting[1]!)();
    expect(order).toEqual([3, 4]);
    expect(limiter).toMatchObject({ active: 0, waiting: 0 });
  });

  it('drops an aborted waiter from the queue and rejects it with the reason', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiter = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiter).rejects.toThrow('stop');
    expect(limiter.waiting).toBe(0);
    release();
    expect(limiter.active).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimiter(1.5)).toThrow(RangeError);
  });
});
