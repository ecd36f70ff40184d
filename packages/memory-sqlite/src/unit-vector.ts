// Checks an embedding (length, finite values, not all zeros) and scales it to unit length, so that
// cosine similarity is a dot product. Refusals are StoreErrors that name the vector and the fix.
import { StoreError } from '@worldloop/spec';

/** How far from 1 a squared length may be for a Float32Array to count as unit length already (float32 rounding of a normalised vector stays far below it). */
const unitTolerance = 1e-5;

/**
 * `values` as a Float32Array scaled to length 1: `values` itself when it is a Float32Array of unit
 * length already (embedders normalise; the store only reads it), else a scaled copy. A result kept
 * past an `await` must be copied when `values` is the caller's: the caller may change it meanwhile. Throws
 * StoreError when `values` does not have `dimension` numbers, holds NaN or ±Infinity (as float32),
 * or is all zeros; `what` names it in the message (`the embedding of memory 3`), `advice` says
 * what to do about a wrong length.
 */
export function toUnitVector(values: ArrayLike<number>, dimension: number, what: string, advice: string): Float32Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new StoreError(`${what} is ${values === null ? 'null' : typeof values}, not an array of numbers.`, { details: { reason: 'invalid-embedding' } });
  }
  if (values.length !== dimension) {
    throw new StoreError(`${what} has ${values.length} dimensions, but this store holds ${dimension}-dimension embeddings; ${advice}`, {
      details: { reason: 'embedding-dimension', expected: dimension, actual: values.length },
    });
  }
  // A Float32Array as given (read, never written); anything else converted as it will be stored.
  const given = values instanceof Float32Array ? values : Float32Array.from(values);
  let squares = 0;
  for (let index = 0; index < dimension; index++) {
    const value = given[index]!;
    if (!Number.isFinite(value)) {
      throw new StoreError(`${what} holds ${String(values[index])} at index ${index}; embeddings must be finite numbers.`, { details: { reason: 'invalid-embedding', index } });
    }
    squares += value * value;
  }
  if (squares === 0) {
    throw new StoreError(`${what} is all zeros, so it has no direction to compare; embed a non-empty text, or leave the embedding out.`, {
      details: { reason: 'invalid-embedding' },
    });
  }
  if (Math.abs(squares - 1) <= unitTolerance) return given;
  const vector = given === values ? Float32Array.from(given) : given;
  const scale = 1 / Math.sqrt(squares);
  for (let index = 0; index < dimension; index++) vector[index]! *= scale;
  return vector;
}
