// Mulberry32: a tiny, fast 32-bit PRNG. All randomness of a gridworld episode flows through one
// instance seeded by reset({ seed }); its whole state is one uint32, so snapshots carry it exactly.

/** A seeded pseudo-random generator (Mulberry32). Not cryptographic. */
export class SeededRandom {
  /** The generator's whole state; set it to resume a sequence exactly. */
  state: number;

  /** Seeds from any safe integer (negative and above 2^32 included: both halves are mixed in). */
  constructor(seed: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    let mixed = (low ^ Math.imul(high ^ 0x9e3779b9, 0x85ebca6b)) >>> 0;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x7feb352d);
    mixed = Math.imul(mixed ^ (mixed >>> 15), 0x846ca68b);
    this.state = (mixed ^ (mixed >>> 16)) >>> 0;
  }

  /** The next uniformly distributed uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [minimum, maximum) (maximum exclusive, as in MiniGrid's `_rand_int`). */
  integer(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.nextFloat() * (maximum - minimum));
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length)]!;
  }

  /** `count` distinct elements of `items`, in random order. */
  subset<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.integer(0, index + 1);
      const swap = copy[index]!;
      copy[index] = copy[other]!;
      copy[other] = swap;
    }
    return copy.slice(0, count);
  }
}
