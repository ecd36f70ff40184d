// A fixed delay per model call, on plain setTimeout (so vitest's fake timers control it).
import { AbortedError, type GenerateRequest, type GenerateResult } from '@worldloop/spec';
import type { ModelLatency } from './model-latency.js';

/** A fixed delay per call, in milliseconds, whatever the request and however many run at once. */
export class FixedModelLatency implements ModelLatency {
  constructor(readonly delayMs: number) {}

  wait(_request: GenerateRequest, _result: GenerateResult, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError('The model call was aborted.'));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new AbortedError('The model call was aborted.'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, this.delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
