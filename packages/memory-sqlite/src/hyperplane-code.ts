// A binary code of a vector for sqlite-vec's hamming KNN: signs of the vector after fixed random
// rotations (random signs + Walsh-Hadamard transform, one round per block of bits), i.e. SimHash with
// structured hyperplanes. Hamming distance estimates the angle; candidates it finds are rescored exactly.

/** Bits of the code of a `dimension`-long vector: at least 1,024, whole rotations of the padded length. */
export function hyperplaneCodeBits(dimension: number): number {
  const padded = paddedLength(dimension);
  return padded * Math.max(1, Math.ceil(1024 / padded));
}

/** The next power of two ≥ dimension (the Walsh-Hadamard transform's length). */
function paddedLength(dimension: number): number {
  let length = 1;
  while (length < dimension) length *= 2;
  return length;
}

/** Per padded length: the random signs of every round, and a work buffer reused by every call (with its 32-bit words). */
const cache = new Map<number, { readonly signs: Float64Array[]; readonly work: Float64Array; readonly words: Int32Array }>();
/** Index, within a double's two 32-bit words, of the one that holds its sign and exponent (1 on little-endian platforms). */
const highWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The random signs of every round for a padded length, from a fixed seed (xorshift32), and a work buffer. */
function tablesFor(padded: number, rounds: number): { readonly signs: Float64Array[]; readonly work: Float64Array; readonly words: Int32Array } {
  let tables = cache.get(padded);
  if (tables === undefined) {
    let state = 0x2545f491 ^ padded;
    const signs = Array.from({ length: rounds }, () =>
      Float64Array.from({ length: padded }, () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state & 1 ? 1 : -1;
      }),
    );
    const work = new Float64Array(padded);
    tables = { signs, work, words: new Int32Array(work.buffer) };
    cache.set(padded, tables);
  }
  return tables;
}

/**
 * One round in place: the unnormalised fast Walsh-Hadamard transform (length a power of two), three
 * butterfly stages per pass (radix 8) while they fit, then one stage per pass, in double precision.
 * Every stage computes `x[i] ± x[i + half]` in the order half = 1, 2, 4, …, so the result is that of
 * radix-2 stages to the last bit, whichever grouping runs them (the code depends on it).
 */
function transform(values: Float64Array): void {
  const length = values.length;
  let half = 1;
  for (; half * 8 <= length; half *= 8) {
    for (let start = 0; start < length; start += 8 * half) {
      for (let index = start; index < start + half; index++) {
        const x0 = values[index]!;
        const x1 = values[index + half]!;
        const x2 = values[index + 2 * half]!;
        const x3 = values[index + 3 * half]!;
        const x4 = values[index + 4 * half]!;
        const x5 = values[index + 5 * half]!;
        const x6 = values[index + 6 * half]!;
        const x7 = values[index + 7 * half]!;
        const a0 = x0 + x1, a1 = x0 - x1, a2 = x2 + x3, a3 = x2 - x3, a4 = x4 + x5, a5 = x4 - x5, a6 = x6 + x7, a7 = x6 - x7;
        const b0 = a0 + a2, b1 = a1 + a3, b2 = a0 - a2, b3 = a1 - a3, b4 = a4 + a6, b5 = a5 + a7, b6 = a4 - a6, b7 = a5 - a7;
        values[index] = b0 + b4;
        values[index + half] = b1 + b5;
        values[index + 2 * half] = b2 + b6;
        values[index + 3 * half] = b3 + b7;
        values[index + 4 * half] = b0 - b4;
        values[index + 5 * half] = b1 - b5;
        values[index + 6 * half] = b2 - b6;
        values[index + 7 * half] = b3 - b7;
      }
    }
  }
  // The one or two stages left when the length is not a power of 8.
  for (; half < length; half *= 2) {
    for (let start = 0; start < length; start += 2 * half) {
      for (let index = start; index < start + half; index++) {
        const a = values[index]!;
        const b = values[index + half]!;
        values[index] = a + b;
        values[index + half] = a - b;
      }
    }
  }
}

/**
 * The code of `vector` (`hyperplaneCodeBits(vector.length) / 8` bytes): the vector, zero-padded to a
 * power of two (`padded`), goes through rounds of "multiply by random signs, then Walsh-Hadamard
 * transform", each on the output of the one before; bit r × padded + i is set when output i of round
 * r is positive. One round already spreads every input over every output: on the benchmark's data,
 * recall@10 after rescoring equals that of three rounds per block (the `hyperplane-v1` code), at half
 * the cost. Deterministic (IEEE double arithmetic in a fixed order): the same vector gives the same
 * code in every process (stored codes depend on it; a change here needs a new `vectorCode` in
 * memory-vector-index.ts).
 */
export function hyperplaneCode(vector: Float32Array): Buffer {
  const code = Buffer.alloc(hyperplaneCodeBits(vector.length) / 8);
  writeHyperplaneCode(vector, code, 0);
  return code;
}

/** Writes `hyperplaneCode(vector)` into `target` from byte `offset` on (for the codes of a batch in one buffer). */
export function writeHyperplaneCode(vector: Float32Array, target: Uint8Array, offset: number): void {
  const dimension = vector.length;
  const padded = paddedLength(dimension);
  const rounds = hyperplaneCodeBits(dimension) / padded;
  const { signs, work, words } = tablesFor(padded, rounds);
  if (padded < 8) target.fill(0, offset, offset + (rounds * padded) / 8);
  const first = signs[0]!;
  for (let index = 0; index < dimension; index++) work[index] = vector[index]! * first[index]!;
  work.fill(0, dimension);
  for (let round = 0; round < rounds; round++) {
    if (round > 0) {
      const flip = signs[round]!;
      for (let index = 0; index < padded; index++) work[index] = work[index]! * flip[index]!;
    }
    transform(work);
    if (padded < 8) {
      for (let index = 0; index < padded; index++) {
        const bit = round * padded + index;
        if (work[index]! > 0) target[offset + (bit >>> 3)]! |= 1 << (bit & 7);
      }
      continue;
    }
    const start = offset + (round * padded) / 8;
    for (let byte = 0; byte < padded / 8; byte++) {
      const at = 8 * byte;
      target[start + byte] =
        isPositive(words, at) |
        (isPositive(words, at + 1) << 1) |
        (isPositive(words, at + 2) << 2) |
        (isPositive(words, at + 3) << 3) |
        (isPositive(words, at + 4) << 4) |
        (isPositive(words, at + 5) << 5) |
        (isPositive(words, at + 6) << 6) |
        (isPositive(words, at + 7) << 7);
    }
  }
}

/**
 * 1 when the double at `index` of the array whose 32-bit `words` are given is > 0 (sign bit clear,
 * not ±0), else 0; from its bits, without a branch (`value > 0 ? 1 : 0` mispredicts half the time on
 * random signs, which doubled the cost of a code).
 */
function isPositive(words: Int32Array, index: number): number {
  const high = words[2 * index + highWord]!;
  const magnitude = (high & 0x7fffffff) | words[2 * index + 1 - highWord]!;
  return (~high >>> 31) & ((magnitude | -magnitude) >>> 31);
}
