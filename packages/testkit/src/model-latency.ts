// How long a test model takes to answer, as a pluggable strategy: a fixed delay
// (FixedModelLatency) or a simulated batching server (BatchingModelLatency).
import type { GenerateRequest, GenerateResult } from '@worldloop/spec';

/** Delays the answer of a test model, as a server would. */
export interface ModelLatency {
  /** Resolves when the answer to `request` would be ready; rejects with `AbortedError` when `signal` fires first. */
  wait(request: GenerateRequest, result: GenerateResult, signal?: AbortSignal): Promise<void>;
}
