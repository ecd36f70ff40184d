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

/** Per padded length: the random signs of every round, and a work buffer reused by every call. */
const cache = new Map<number, { readonly signs: Float64Array[]; readonly work: Float64Array }>();

/** The random signs of every round for a padded length, from a fixed seed (xorshift32), and a work buffer. */
function tablesFor(padded: number, rounds: number): { readonly signs: Float64Array[]; readonly work: Float64Array } {
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
    tables = { signs, work: new Float64Array(padded) };
    cache.set(padded, tables);
  }
  return tables;
}

/**
 * One round in place: multiply by `flip`, then the unnormalised fast Walsh-Hadamard transform
 * (length a power of two), two butterfly stages per pass (radix 4), in double precision.
 */
function flipAndTransform(values: Float64Array, flip: Float64Array): void {
  const length = values.length;
  for (let index = 0; index < length; index++) values[index]! *= flip[index]!;
  let half = 1;
  for (; half * 4 <= length; half *= 4) {
    for (let start = 0; start < length; start += 4 * half) {
      for (let index = start; index < start + half; index++) {
        const a = values[index]!;
        const b = values[index + half]!;
        const c = values[index + 2 * half]!;
        const d = values[index + 3 * half]!;
        values[index] = a + b + (c + d);
        values[index + half] = a - b + (c - d);
        values[index + 2 * half] = a + b - (c + d);
        values[index + 3 * half] = a - b - (c - d);
      }
    }
  }
  // An odd number of stages: the last one alone (half = length / 2).
  if (half < length) {
    for (let index = 0; index < half; index++) {
      const a = values[index]!;
      const b = values[index + half]!;
      values[index] = a + b;
      values[index + half] = a - b;
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
  const padded = paddedLength(vector.length);
  const rounds = hyperplaneCodeBits(vector.length) / padded;
  const { signs, work } = tablesFor(padded, rounds);
  const code = Buffer.alloc((rounds * padded) / 8);
  work.set(vector);
  work.fill(0, vector.length);
  for (let round = 0; round < rounds; round++) {
    flipAndTransform(work, signs[round]!);
    const offset = round * padded;
    for (let index = 0; index < padded; index++) if (work[index]! > 0) code[(offset + index) >>> 3]! |= 1 << ((offset + index) & 7);
  }
  return code;
}
