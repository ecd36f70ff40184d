// A counting semaphore: at most `limit` holders at once, waiters served first come first served.
// A waiter whose abort signal fires leaves the queue at once and rejects with the signal's reason.
import { subscribeToAbort } from './abort-subscription.js';

/** Bounds how many requests one backend instance has in flight. */
export class ConcurrencyLimiter {
  private activeCount = 0;
  private readonly queue: { grant: () => void }[] = [];

  /** @param limit Holders allowed at once; a positive integer. */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}.`);
  }

  /** Holders now. */
  get active(): number {
    return this.activeCount;
  }

  /** Callers waiting for a place. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Waits for a place; the returned function gives it back (calling it twice is harmless). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.activeCount < this.limit) {
      this.activeCount += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          unsubscribe?.();
          this.activeCount += 1;
          resolve(this.releaser());
        },
      };
      const unsubscribe = signal
        ? subscribeToAbort(signal, () => {
            const index = this.queue.indexOf(entry);
            if (index >= 0) this.queue.splice(index, 1);
            reject(signal.reason);
          })
        : undefined;
      this.queue.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.activeCount -= 1;
      this.queue.shift()?.grant();
    };
  }
}
