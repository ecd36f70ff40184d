// How a memory's unit embedding is kept in its row: IEEE 754 half floats (binary16, little-endian),
// half the bytes of float32 at a relative error of at most 2^-11 per component. Rows written before
// (memory schema 1) hold float32; the two are told apart by length. Rescoring reads both.

/** Bytes of a stored embedding of `dimension` components, as written now (float16). */
export const storedEmbeddingBytes = (dimension: number): number => 2 * dimension;

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
/** Whether typed arrays are little-endian here (every platform Node ships for), so a Uint16Array writes binary16 as stored. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The binary16 bits nearest to `value` (ties to even): normal numbers, subnormals below 2^-14,
 * ±0; magnitudes of 65520 and up become ±Infinity, NaN stays NaN. (Node 20 has no Float16Array.)
 */
export function toHalfBits(value: number): number {
  scratch[0] = value;
  return halfOfFloatBits(scratchBits[0]!);
}

/** `toHalfBits` of the float32 whose bits are `bits`. */
function halfOfFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const magnitude = bits & 0x7fffffff;
  if (magnitude >= 0x38800000) {
    // 65520 (0x477ff000) and up round to Infinity; NaN keeps a quiet NaN.
    if (magnitude >= 0x477ff000) return sign | (magnitude > 0x7f800000 ? 0x7e00 : 0x7c00);
    // Normal: rebias the exponent (127 → 15) and round the 13 dropped mantissa bits to nearest even;
    // a carry out of the mantissa moves to the exponent, as it should.
    return sign | ((magnitude - 0x38000000 + 0x0fff + ((magnitude >>> 13) & 1)) >>> 13);
  }
  // Subnormal (or zero): the magnitude in units of 2^-24, exact in a double, rounded to nearest even.
  const exponent = magnitude >>> 23;
  const units = exponent === 0 ? (magnitude & 0x7fffff) * 2 ** -125 : ((magnitude & 0x7fffff) | 0x800000) * 2 ** (exponent - 126);
  const whole = Math.floor(units);
  const rest = units - whole;
  return sign | (rest > 0.5 || (rest === 0.5 && (whole & 1) === 1) ? whole + 1 : whole);
}

/** Every binary16 pattern's value, as a float32 (256 KiB, built on first use). */
let halfValues: Float32Array | undefined;

function halfTable(): Float32Array {
  if (halfValues !== undefined) return halfValues;
  halfValues = new Float32Array(65_536);
  for (let bits = 0; bits < 65_536; bits++) {
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    const magnitude = exponent === 0 ? mantissa * 2 ** -24 : exponent === 31 ? (mantissa === 0 ? Infinity : NaN) : (1 + mantissa / 1024) * 2 ** (exponent - 15);
    halfValues[bits] = bits & 0x8000 ? -magnitude : magnitude;
  }
  return halfValues;
}

/** The value of binary16 `bits`. */
export function fromHalfBits(bits: number): number {
  return halfTable()[bits & 0xffff]!;
}

/** Writes `vector` as binary16 into `target` from byte `offset` (`storedEmbeddingBytes(vector.length)` bytes). */
export function writeStoredEmbedding(vector: Float32Array, target: Buffer, offset: number): void {
  const bits = new Uint32Array(vector.buffer, vector.byteOffset, vector.length);
  const at = target.byteOffset + offset;
  if (littleEndian && at % 2 === 0) {
    const halves = new Uint16Array(target.buffer, at, vector.length);
    for (let index = 0; index < bits.length; index++) halves[index] = halfOfFloatBits(bits[index]!);
    return;
  }
  for (let index = 0; index < bits.length; index++) target.writeUInt16LE(halfOfFloatBits(bits[index]!), offset + 2 * index);
}

/**
 * The stored embedding as float32 values: `dimension` half floats (2 × dimension bytes) or, from rows
 * of memory schema 1, float32 (4 × dimension bytes). Throws on any other length (a damaged row).
 */
export function readStoredEmbedding(stored: Uint8Array, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  if (stored.byteLength === 4 * dimension) {
    new Uint8Array(vector.buffer).set(stored);
    return vector;
  }
  checkLength(stored, dimension);
  const table = halfTable();
  for (let index = 0; index < dimension; index++) vector[index] = table[stored[2 * index]! | (stored[2 * index + 1]! << 8)]!;
  return vector;
}

/** The dot product of `vector` and a stored embedding of its dimension (cosine similarity, both being unit length). */
export function dotStoredEmbedding(vector: Float32Array, stored: Uint8Array): number {
  const dimension = vector.length;
  let sum = 0;
  if (stored.byteLength === 4 * dimension) {
    const values = stored.byteOffset % 4 === 0 ? new Float32Array(stored.buffer, stored.byteOffset, dimension) : new Float32Array(Uint8Array.from(stored).buffer);
    for (let index = 0; index < dimension; index++) sum += vector[index]! * values[index]!;
    return sum;
  }
  checkLength(stored, dimension);
  const table = halfTable();
  for (let index = 0; index < dimension; index++) sum += vector[index]! * table[stored[2 * index]! | (stored[2 * index + 1]! << 8)]!;
  return sum;
}

function checkLength(stored: Uint8Array, dimension: number): void {
  if (stored.byteLength !== 2 * dimension) {
    throw new Error(`a stored embedding has ${stored.byteLength} bytes, which is neither ${dimension} half floats nor ${dimension} floats; the row is damaged`);
  }
}
