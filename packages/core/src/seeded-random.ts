// A small, fast, seedable PRNG (sfc32) and the seed derivation the runner uses. Not for crypto.

/** A seeded pseudo-random generator. Same seed, same sequence, on every platform. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 expands the seed into the four words of state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
    return items[this.integer(items.length)]!;
  }
}

/**
 * The seed of episode `index` in a run with base seed `baseSeed`: a hash, so neighbouring
 * episodes get unrelated seeds and the same (baseSeed, index) always gives the same seed.
 * The result is a non-negative 31-bit integer, safe as a seed for any environment.
 */
export function deriveSeed(baseSeed: number, index: number): number {
  let z = (Math.imul(baseSeed >>> 0, 0x9e3779b1) ^ Math.imul((index + 1) >>> 0, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d);
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39);
  return ((z ^ (z >>> 15)) >>> 0) & 0x7fffffff;
}
