// Seeded randomness: reproducible sequences and well-spread derived seeds.
import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first);
  });

  it('draws integers uniformly enough in range', () => {
    const random = new SeededRandom(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[random.integer(4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(9_500);
  });
});

describe('deriveSeed', () => {
  it('is stable, distinct across indices and base seeds, and non-negative', () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    const seeds = new Set(Array.from({ length: 1000 }, (_, index) => deriveSeed(1, index)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(2, 0)).not.toBe(deriveSeed(1, 0));
    for (const seed of seeds) expect(seed).toBeGreaterThanOrEqual(0);
  });
});
