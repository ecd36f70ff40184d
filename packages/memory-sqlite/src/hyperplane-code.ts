// A binary code of a vector for sqlite-vec's hamming KNN: signs of the vector after fixed random
// rotations (random signs + Walsh-Hadamard transform, 3 rounds, one more per extra block of bits), i.e. SimHash with structured
// hyperplanes. Hamming distance estimates the angle; candidates it finds are rescored exactly.

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

const rounds = 3;
const signCache = new Map<number, Float32Array[]>();

/** The random signs of every round for a padded length, from a fixed seed (xorshift32). */
function signsFor(padded: number, rotations: number): Float32Array[] {
  let signs = signCache.get(padded);
  if (signs === undefined) {
    let state = 0x2545f491 ^ padded;
    signs = Array.from({ length: rounds + rotations - 1 }, () =>
      Float32Array.from({ length: padded }, () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state & 1 ? 1 : -1;
      }),
    );
    signCache.set(padded, signs);
  }
  return signs;
}

/** In-place unnormalised fast Walsh-Hadamard transform (length a power of two). */
function walshHadamard(values: Float32Array): void {
  for (let half = 1; half < values.length; half *= 2) {
    for (let start = 0; start < values.length; start += 2 * half) {
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
 * power of two, goes through 3 rounds of "multiply by random signs, then Walsh-Hadamard
 * transform"; bit i is set when output i is positive. Codes longer than the padded length take one
 * more round per further block of bits (bit r × padded + i after round 3 + r). Deterministic:
 * the same vector gives the same code in every process (stored codes depend on it).
 */
export function hyperplaneCode(vector: Float32Array): Buffer {
  const padded = paddedLength(vector.length);
  const rotations = hyperplaneCodeBits(vector.length) / padded;
  const signs = signsFor(padded, rotations);
  const code = Buffer.alloc((rotations * padded) / 8);
  const work = new Float32Array(padded);
  work.set(vector);
  // Rotation 0 is 3 rounds; each further rotation is one more round on the output of the one before.
  let round = 0;
  for (let rotation = 0; rotation < rotations; rotation++) {
    for (const end = rotation === 0 ? rounds : round + 1; round < end; round++) {
      const flip = signs[round]!;
      for (let index = 0; index < padded; index++) work[index]! *= flip[index]!;
      walshHadamard(work);
    }
    const offset = rotation * padded;
    for (let index = 0; index < padded; index++) if (work[index]! > 0) code[(offset + index) >>> 3]! |= 1 << ((offset + index) & 7);
  }
  return code;
}
