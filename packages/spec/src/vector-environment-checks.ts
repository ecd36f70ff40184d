// The checks every VectorEnvironment makes on its caller: an instance index in range, and a
// `stepMany` call whose indices are in range and distinct. Per-instance errors are outcomes, not checks.
import { ConfigError } from './errors.js';
import { shownValue } from './shown-value.js';
import type { VectorStepRequest } from './vector-environment.js';

/** Throws `ConfigError` unless `index` is an integer in [0, size), naming the vector environment and the operation. */
export function checkVectorIndex(vectorId: string, size: number, index: number, operation: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new ConfigError(`${operation} on ${vectorId} got instance index ${shownValue(index)}, outside 0 to ${size - 1}; use an instance that exists.`);
  }
}

/**
 * Throws `ConfigError` when a request names an index outside [0, size) or an index already
 * requested in the same call, naming the vector environment (`vectorId`) and the index.
 */
export function checkVectorStepRequests(vectorId: string, size: number, requests: readonly VectorStepRequest<unknown>[]): void {
  const seen = new Uint8Array(size);
  for (const { index } of requests) {
    checkVectorIndex(vectorId, size, index, 'stepMany');
    if (seen[index] === 1) throw new ConfigError(`stepMany on ${vectorId} got instance ${index} twice in one call; step each instance at most once per call.`);
    seen[index] = 1;
  }
}
