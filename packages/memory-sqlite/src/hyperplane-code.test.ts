// Tests of the hyperplane code: its length, its exact output (stored codes depend on it), and that
// hamming distance between codes follows the angle between vectors.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@worldloop/core';
import { hyperplaneCode, hyperplaneCodeBits } from './hyperplane-code.js';

/** Bits that differ between two codes. */
function hamming(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let index = 0; index < a.length; index++) for (let byte = a[index]! ^ b[index]!; byte !== 0; byte &= byte - 1) count += 1;
  return count;
}

describe('hyperplaneCode', () => {
  it('has at least 1,024 bits, whole rounds of the padded dimension', () => {
    expect(hyperplaneCodeBits(384)).toBe(1024);
    expect(hyperplaneCodeBits(8)).toBe(1024);
    expect(hyperplaneCodeBits(1000)).toBe(1024);
    expect(hyperplaneCodeBits(1536)).toBe(2048);
    expect(hyperplaneCode(new Float32Array(384).fill(1))).toHaveLength(128);
    expect(hyperplaneCode(new Float32Array([1]))).toHaveLength(128);
  });

  it('keeps its exact output: stored codes depend on it (change vectorCode with the code)', () => {
    const small = new Float32Array([0.5, -0.25, 0.125, 0, 1, -1, 0.75, 0.3]);
    expect(hyperplaneCode(small).toString('hex').slice(0, 32)).toBe('1eb6123ada92ee81480083dd642a0dd3');
    const wide = new Float32Array(384).map((_, index) => Math.sin(index));
    const code = hyperplaneCode(wide).toString('hex');
    expect(code.slice(0, 32)).toBe('88d1c5e948dfcb72d73ffd877cf4028c');
    expect(code.slice(128, 160)).toBe('97d59e074c8697ed6e2935eb9848f080');
    // The work buffer is reused between calls: a shorter vector after a longer one is zero-padded again.
    expect(hyperplaneCode(small).toString('hex').slice(0, 32)).toBe('1eb6123ada92ee81480083dd642a0dd3');
  });

  it('puts near vectors at a small hamming distance and opposite ones at all bits', () => {
    const random = new SeededRandom(11);
    const vector = Float32Array.from({ length: 384 }, () => random.next() - 0.5);
    const near = vector.map((value) => value + (random.next() - 0.5) * 0.1);
    const unrelated = Float32Array.from({ length: 384 }, () => random.next() - 0.5);
    const code = hyperplaneCode(vector);
    expect(hamming(code, hyperplaneCode(near))).toBeLessThan(150);
    expect(hamming(code, hyperplaneCode(unrelated))).toBeGreaterThan(400);
    expect(hamming(code, hyperplaneCode(vector.map((value) => -value)))).toBe(1024);
  });
});
