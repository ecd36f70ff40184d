// Tests of the stored embedding format: binary16 rounding at the edges, every half value round trips,
// the error bound holds, and both row formats (float16 now, float32 from schema 1) read the same.
import { describe, expect, it } from 'vitest';
import { dotStoredEmbedding, fromHalfBits, readStoredEmbedding, storedEmbeddingBytes, toHalfBits, writeStoredEmbedding } from './stored-embedding.js';
import { HashedEmbedder } from './hashed-embedder.js';

describe('toHalfBits', () => {
  it('rounds to the nearest binary16, ties to even, through normals, subnormals, zeros and overflow', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [1 + 2 ** -11, 0x3c00], // a tie: to the even neighbour, 1
      [1 + 3 * 2 ** -11, 0x3c02], // a tie: to the even neighbour, up
      [2 ** -14, 0x0400], // the smallest normal
      [2 ** -24, 0x0001], // the smallest subnormal
      [2 ** -25, 0x0000], // a tie with zero: to zero
      [3 * 2 ** -25, 0x0002],
      [2 ** -20, 0x0010],
      [1.5 * 2 ** -24, 0x0002], // a subnormal tie: to the even neighbour, up
      [1e-40, 0x0000], // a float32 subnormal
      [65_504, 0x7bff], // the largest finite
      [65_519, 0x7bff],
      [65_520, 0x7c00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of cases) expect([value, toHalfBits(value)]).toEqual([value, bits]);
    expect(toHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite binary16 value, and stays within 2^-11 relative error of float32 values', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromHalfBits(bits);
      if (Number.isFinite(value)) expect(toHalfBits(value)).toBe(bits);
    }
    let largest = 0;
    for (let index = 0; index < 100_000; index++) {
      const value = Math.fround(Math.sin(index * 12.9898) * 0.9);
      if (Math.abs(value) < 2 ** -14) continue;
      largest = Math.max(largest, Math.abs(fromHalfBits(toHalfBits(value)) - value) / Math.abs(value));
    }
    expect(largest).toBeLessThanOrEqual(2 ** -11);
    expect(largest).toBeGreaterThan(2 ** -12);
  });
});

describe('stored embeddings', () => {
  const embedder = new HashedEmbedder();
  const stored = embedder.embedText('I picked up the red key at step 3');
  const query = embedder.embedText('the red key');

  it('keeps 2 bytes a component, and reads back within half-float precision', () => {
    const bytes = Buffer.alloc(storedEmbeddingBytes(stored.length) + 6);
    writeStoredEmbedding(stored, bytes, 6);
    expect(storedEmbeddingBytes(384)).toBe(768);
    const read = readStoredEmbedding(bytes.subarray(6), stored.length);
    for (let index = 0; index < stored.length; index++) expect(Math.abs(read[index]! - stored[index]!)).toBeLessThanOrEqual(Math.abs(stored[index]!) * 2 ** -11);
    // At an odd offset (no aligned view possible) the bytes are the same.
    const odd = Buffer.alloc(storedEmbeddingBytes(stored.length) + 7);
    writeStoredEmbedding(stored, odd, 7);
    expect(odd.subarray(7).equals(bytes.subarray(6))).toBe(true);
  });

  it('gives the same similarity from a float16 row and from a float32 row of schema 1, to 3 decimals', () => {
    const half = Buffer.alloc(storedEmbeddingBytes(stored.length));
    writeStoredEmbedding(stored, half, 0);
    const float32 = Buffer.from(stored.buffer.slice(0));
    let exact = 0;
    for (let index = 0; index < stored.length; index++) exact += stored[index]! * query[index]!;
    expect(dotStoredEmbedding(query, float32)).toBeCloseTo(exact, 6);
    expect(dotStoredEmbedding(query, half)).toBeCloseTo(exact, 3);
    // An unaligned float32 row (SQLite hands out blobs at any offset).
    const unaligned = Buffer.alloc(float32.length + 1).fill(0);
    float32.copy(unaligned, 1);
    expect(dotStoredEmbedding(query, unaligned.subarray(1))).toBeCloseTo(exact, 6);
    expect(readStoredEmbedding(unaligned.subarray(1), stored.length)).toEqual(stored);
  });

  it('refuses a row of any other length as damaged', () => {
    expect(() => dotStoredEmbedding(query, Buffer.alloc(100))).toThrow(/100 bytes, which is neither 384 half floats nor 384 floats; the row is damaged/);
    expect(() => readStoredEmbedding(Buffer.alloc(3 * 384), 384)).toThrow(/damaged/);
  });
});
