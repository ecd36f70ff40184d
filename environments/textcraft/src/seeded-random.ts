// The seeded generator behind every generated recipe tree and every shuffled list of crafting
// commands (splitmix32). Randomness is spent only at reset, so snapshots need not carry its state.

/** A small seeded pseudo-random generator (splitmix32). Not cryptographic. */
export class SeededRandom {
  private state: number;

  /** Seeds from any safe integer; the high half of large or negative seeds is mixed in. */
  constructor(seed: number) {
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.state = ((seed >>> 0) ^ Math.imul(high, 0x27d4eb2f)) >>> 0;
  }

  /** The next uniformly distributed uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    return (mixed ^ (mixed >>> 16)) >>> 0;
  }

  /** An integer from `minimum` to `maximum`, both included. */
  between(minimum: number, maximum: number): number {
    return minimum + Math.floor((this.nextUint32() / 0x1_0000_0000) * (maximum - minimum + 1));
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.nextUint32() / 0x1_0000_0000 < probability;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.between(0, items.length - 1)]!;
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = items.slice();
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.between(0, index);
      const swap = copy[index]!;
      copy[index] = copy[other]!;
      copy[other] = swap;
    }
    return copy;
  }
}
