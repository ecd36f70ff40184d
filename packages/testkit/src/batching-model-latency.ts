// Simulates a model server with continuous batching: one forward step takes `stepMs` whatever the
// batch size, up to `maxBatchSize` requests (default 64) per step; each request needs some forward
// steps (default: one for the prompt, one per completion token) and joins the batch at the next step.
// Requests beyond the limit wait in arrival order. The clock is real time (setTimeout) kept on
// schedule: when the process was busy, the steps that fell due are run at once, as a GPU would have.
import { AbortedError, ConfigError, type GenerateRequest, type GenerateResult } from '@worldloop/spec';
import type { ModelLatency } from './model-latency.js';

/** Options of a {@link BatchingModelLatency}. */
export interface BatchingModelLatencyOptions {
  /** Time of one batched forward step (one token for every request in the batch), in milliseconds. */
  readonly stepMs: number;
  /** Requests served per forward step (default 64); more wait. */
  readonly maxBatchSize?: number;
  /**
   * Forward steps a request needs. Default: 1 (the prompt, prefix-cached) plus the completion tokens
   * (`usage.completionTokens`, else the characters of the text and tool calls / 4).
   */
  readonly forwardSteps?: (request: GenerateRequest, result: GenerateResult) => number;
}

/** What the simulated server did so far. */
export interface BatchingStatistics {
  /** Forward steps run (each one `stepMs`). */
  readonly forwardSteps: number;
  /** Requests answered. */
  readonly requests: number;
  /** Request-steps served: the sum over answered requests of their forward steps (tokens decoded, prompts included). */
  readonly tokens: number;
  /** Mean number of requests per forward step. */
  readonly meanBatchSize: number;
  readonly peakBatchSize: number;
}

interface Waiting {
  remaining: number;
  readonly steps: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A batching server's latency, for benchmarks of concurrent episodes: a single request takes
 * `forwardSteps * stepMs`; up to `maxBatchSize` concurrent requests take the same time as one.
 * One instance stands for one server: share it between the models of all episodes.
 */
export class BatchingModelLatency implements ModelLatency {
  private readonly stepMs: number;
  private readonly maxBatchSize: number;
  private readonly stepsOf: (request: GenerateRequest, result: GenerateResult) => number;
  private active: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextStepAt = 0;
  private forwardSteps = 0;
  private requests = 0;
  private tokens = 0;
  private batchSizeSum = 0;
  private peakBatchSize = 0;

  constructor(options: BatchingModelLatencyOptions) {
    if (!(options.stepMs > 0)) throw new ConfigError(`stepMs must be positive, got ${options.stepMs}.`);
    this.stepMs = options.stepMs;
    this.maxBatchSize = options.maxBatchSize ?? 64;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) throw new ConfigError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}.`);
    this.stepsOf = options.forwardSteps ?? defaultForwardSteps;
  }

  /** Counters since construction. */
  get statistics(): BatchingStatistics {
    return {
      forwardSteps: this.forwardSteps,
      requests: this.requests,
      tokens: this.tokens,
      meanBatchSize: this.forwardSteps === 0 ? 0 : this.batchSizeSum / this.forwardSteps,
      peakBatchSize: this.peakBatchSize,
    };
  }

  wait(request: GenerateRequest, result: GenerateResult, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError('The model call was aborted.'));
      const counted = this.stepsOf(request, result);
      // NaN or Infinity would never count down to 0: the request would wait, and the clock tick, forever.
      if (!Number.isFinite(counted)) return reject(new ConfigError(`forwardSteps must give a finite number of steps, got ${counted}.`));
      const steps = Math.max(1, Math.ceil(counted));
      const waiting: Waiting = {
        remaining: steps,
        steps,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.active = this.active.filter((other) => other !== waiting);
          reject(new AbortedError('The model call was aborted.'));
        },
      };
      signal?.addEventListener('abort', waiting.onAbort, { once: true });
      this.active.push(waiting);
      if (this.timer === undefined) {
        this.nextStepAt = performance.now() + this.stepMs;
        this.timer = setTimeout(this.tick, this.stepMs);
      }
    });
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const due = Math.max(1, 1 + Math.floor((now - this.nextStepAt) / this.stepMs));
    for (let step = 0; step < due && this.active.length > 0; step++) this.forwardStep();
    this.nextStepAt += due * this.stepMs;
    if (this.active.length > 0) this.timer = setTimeout(this.tick, Math.max(0, this.nextStepAt - performance.now()));
  };

  private forwardStep(): void {
    const size = Math.min(this.active.length, this.maxBatchSize);
    this.forwardSteps++;
    this.batchSizeSum += size;
    if (size > this.peakBatchSize) this.peakBatchSize = size;
    let finished = false;
    for (let index = 0; index < size; index++) {
      const waiting = this.active[index]!;
      waiting.remaining--;
      if (waiting.remaining === 0) finished = true;
    }
    if (!finished) return;
    const still: Waiting[] = [];
    for (const waiting of this.active) {
      if (waiting.remaining > 0) {
        still.push(waiting);
        continue;
      }
      this.requests++;
      this.tokens += waiting.steps;
      waiting.signal?.removeEventListener('abort', waiting.onAbort);
      waiting.resolve();
    }
    this.active = still;
  }
}

function defaultForwardSteps(_request: GenerateRequest, result: GenerateResult): number {
  const completion = result.usage?.completionTokens ?? Math.ceil((result.text.length + (result.toolCalls.length > 0 ? JSON.stringify(result.toolCalls).length : 0)) / 4);
  return 1 + completion;
}
