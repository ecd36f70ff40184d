// Hands out a fixed set of context sequences, one request at a time each, routing a prompt to the
// sequence whose cached tokens it extends; requests beyond the pool's size wait in a queue.
import { AbortedError, ModelBackendError } from '@worldloop/spec';

/** A sequence lent to one request. */
export interface SequenceLease<Slot> {
  readonly slot: Slot;
  /** Leading prompt tokens already evaluated in this slot (before any are discarded). */
  readonly sharedPrefixTokens: number;
  /** Time spent waiting for a free slot, in milliseconds. */
  readonly waitedMs: number;
}

interface Waiter<Slot> {
  readonly prompt: readonly number[];
  readonly startedAt: number;
  bypassed: number;
  resolve(lease: SequenceLease<Slot>): void;
  reject(error: unknown): void;
}

/**
 * A pool of slots (context sequences) with prefix-aware placement. A request takes a free slot
 * whose last prompt it extends (the same conversation, one step on: the tokens generated after
 * that prompt may differ and are discarded), the longest such, else an empty slot; only when
 * there is neither does it evict, taking the least recently used slot, most often that of an
 * episode that has ended. So an episode's next step lands on the sequence holding its previous
 * steps. No episode key is needed: the tokens say where a prompt belongs.
 *
 * When every slot is busy the request waits (never fails, unlike `getSequence()`); a released
 * slot goes to the waiter sharing the longest prefix with it, but the oldest waiter is passed
 * over at most `slots.length` times, so nobody starves. Aborting a waiting request rejects it
 * with `AbortedError` and leaves the queue.
 */
export class SequencePool<Slot> {
  private readonly free = new Set<Slot>();
  private readonly lastUsed = new Map<Slot, number>();
  private readonly lastPromptLength = new Map<Slot, number>();
  private readonly waiters: Waiter<Slot>[] = [];
  private useCounter = 0;
  private closedWith: Error | undefined;

  constructor(
    private readonly slots: readonly Slot[],
    private readonly tokensOf: (slot: Slot) => readonly number[],
  ) {
    for (const slot of slots) {
      this.free.add(slot);
      this.lastUsed.set(slot, -1);
    }
  }

  /** Slots lent out now. */
  get busy(): number {
    return this.slots.length - this.free.size;
  }

  /** Requests waiting for a slot now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Lends the best free slot for `prompt`, waiting for one when all are busy. */
  acquire(prompt: readonly number[], signal?: AbortSignal): Promise<SequenceLease<Slot>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(new AbortedError('Generation aborted before it started', { cause: signal.reason }));
    const startedAt = performance.now();
    const best = this.bestFreeSlot(prompt);
    if (best) {
      this.free.delete(best.slot);
      this.lastPromptLength.set(best.slot, prompt.length);
      return Promise.resolve({ slot: best.slot, sharedPrefixTokens: best.sharedPrefixTokens, waitedMs: 0 });
    }
    return new Promise<SequenceLease<Slot>>((resolve, reject) => {
      const onAbort = (): void => {
        const position = this.waiters.indexOf(waiter);
        if (position >= 0) this.waiters.splice(position, 1);
        reject(new AbortedError('Generation aborted while waiting for a free sequence', { cause: signal?.reason }));
      };
      const waiter: Waiter<Slot> = {
        prompt,
        startedAt,
        bypassed: 0,
        resolve: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns a slot; hands it straight to a waiting request when there is one. */
  release(slot: Slot): void {
    this.lastUsed.set(slot, ++this.useCounter);
    if (this.waiters.length === 0 || this.closedWith) {
      this.free.add(slot);
      return;
    }
    const cached = this.tokensOf(slot);
    const head = this.waiters[0]!;
    let chosenIndex = 0;
    let chosenPrefix = sharedPrefixLength(cached, head.prompt);
    if (head.bypassed < this.slots.length) {
      for (let index = 1; index < this.waiters.length; index++) {
        const prefix = sharedPrefixLength(cached, this.waiters[index]!.prompt);
        if (prefix > chosenPrefix) {
          chosenIndex = index;
          chosenPrefix = prefix;
        }
      }
    }
    if (chosenIndex !== 0) head.bypassed++;
    const [waiter] = this.waiters.splice(chosenIndex, 1);
    this.lastPromptLength.set(slot, waiter!.prompt.length);
    waiter!.resolve({ slot, sharedPrefixTokens: chosenPrefix, waitedMs: performance.now() - waiter!.startedAt });
  }

  /** Rejects every waiting and future request with `error` (the model is closing). */
  close(error: Error = new ModelBackendError('The model was closed')): void {
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private bestFreeSlot(prompt: readonly number[]): { slot: Slot; sharedPrefixTokens: number } | undefined {
    // Extend: a slot whose last prompt this prompt extends (the same conversation), or an empty one.
    let extend: { slot: Slot; sharedPrefixTokens: number } | undefined;
    // Evict: otherwise the least recently used slot.
    let evict: { slot: Slot; sharedPrefixTokens: number; lastUsed: number } | undefined;
    for (const slot of this.free) {
      const cached = this.tokensOf(slot);
      const shared = sharedPrefixLength(cached, prompt);
      // Its cached tokens are the last prompt placed here plus what was generated after it.
      if (shared >= Math.min(cached.length, this.lastPromptLength.get(slot) ?? 0)) {
        if (!extend || shared > extend.sharedPrefixTokens) extend = { slot, sharedPrefixTokens: shared };
        continue;
      }
      const lastUsed = this.lastUsed.get(slot)!;
      if (!evict || lastUsed < evict.lastUsed) evict = { slot, sharedPrefixTokens: shared, lastUsed };
    }
    return extend ?? (evict && { slot: evict.slot, sharedPrefixTokens: evict.sharedPrefixTokens });
  }
}

function sharedPrefixLength(left: readonly number[], right: readonly number[]): number {
  const length = Math.min(left.length, right.length);
  let index = 0;
  while (index < length && left[index] === right[index]) index++;
  return index;
}
