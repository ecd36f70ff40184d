// The Mulberry32 generator: reproducible by seed, resumable from its state, uniform over ranges.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(2 ** 40 + 1)).not.toEqual(draw(1));
  });

  it('resumes exactly from a saved state', () => {
    const random = new SeededRandom(7);
    random.nextUint32();
    const copy = new SeededRandom(0);
    copy.state = random.state;
    expect(copy.nextFloat()).toBe(random.nextFloat());
  });

  it('draws integers in [minimum, maximum) covering the range', () => {
    const random = new SeededRandom(1);
    const seen = new Set<number>();
    for (let index = 0; index < 1000; index++) {
      const value = random.integer(3, 9);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThan(9);
      seen.add(value);
    }
    expect(seen.size).toBe(6);
    expect(new Set(random.subset([1, 2, 3, 4, 5], 3)).size).toBe(3);
  });
});
