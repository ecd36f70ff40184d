// A LanguageModel wrapper for benchmarks: forwards every call and records when each generate()
// started and ended, its usage and its raw result, so a bench can split wall time into time inside
// the backend and time in the agent loop. Keeps every record in memory: for bounded runs only.
import type { GenerateRequest, GenerateResult, JsonValue, LanguageModel, ModelCapabilities } from '@worldloop/spec';

/** One generate() call as the wrapper saw it. */
export interface TimedCall {
  /** `performance.now()` when generate() was called. */
  readonly startedAt: number;
  /** `performance.now()` when its promise settled. */
  readonly endedAt: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedPromptTokens: number;
  /** The backend's own timing of the call, where it reports one. */
  readonly firstTokenMs?: number;
  /** The backend's raw result (llama-server's body with `timings`; llama.cpp's `waitedMs`). */
  readonly raw?: JsonValue;
  readonly failed: boolean;
}

/**
 * Wraps `model`; `calls` lists every finished generate() call in the order they ended. Capabilities
 * and `countTokens` are the wrapped model's, so a policy budgets exactly as it would without it.
 */
export class TimedLanguageModel implements LanguageModel {
  readonly calls: TimedCall[] = [];
  readonly countTokens?: (text: string) => number;

  constructor(private readonly model: LanguageModel) {
    if (model.countTokens) this.countTokens = (text) => model.countTokens!(text);
  }

  get provider(): string {
    return this.model.provider;
  }

  get modelId(): string {
    return this.model.modelId;
  }

  get capabilities(): ModelCapabilities {
    return this.model.capabilities;
  }

  /** Forgets the calls recorded so far (between a warm-up and a measurement). */
  reset(): void {
    this.calls.length = 0;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const startedAt = performance.now();
    try {
      const result = await this.model.generate(request);
      this.calls.push({
        startedAt,
        endedAt: performance.now(),
        promptTokens: result.usage?.promptTokens ?? 0,
        completionTokens: result.usage?.completionTokens ?? 0,
        cachedPromptTokens: result.usage?.cachedPromptTokens ?? 0,
        ...(result.timings?.firstTokenMs !== undefined ? { firstTokenMs: result.timings.firstTokenMs } : {}),
        ...(result.raw !== undefined ? { raw: result.raw } : {}),
        failed: false,
      });
      return result;
    } catch (error) {
      this.calls.push({ startedAt, endedAt: performance.now(), promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, failed: true });
      throw error;
    }
  }
}
