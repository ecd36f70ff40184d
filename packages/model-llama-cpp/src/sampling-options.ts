// Maps worldloop sampling parameters to node-llama-cpp's generation options, checking ranges.
// Unset temperature means greedy decoding (llama.cpp's default here); no repeat penalty is applied.
import { ConfigError, type SamplingParameters } from '@worldloop/spec';

/** The generation options node-llama-cpp's `LlamaChat.generateResponse` takes from sampling parameters. */
export interface LlamaSamplingOptions {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly seed?: number;
  readonly maxTokens: number;
  readonly customStopTriggers?: string[];
}

/** Limits that bound `maxTokens`. */
export interface SamplingLimits {
  /** Used when the request sets no `maxTokens`. */
  readonly defaultMaxTokens: number;
  /** Context tokens left after the prompt; `maxTokens` is lowered to it with a warning. */
  readonly availableTokens: number;
}

/**
 * Validates and maps `sampling`. Out-of-range values throw `ConfigError` (they are the caller's
 * mistake); settings that have no effect (top-p, top-k or seed with greedy decoding) and a
 * `maxTokens` lowered to fit the context come back as warnings.
 */
export function toLlamaSamplingOptions(sampling: SamplingParameters = {}, limits: SamplingLimits): { options: LlamaSamplingOptions; warnings: string[] } {
  const warnings: string[] = [];
  const { temperature, topP, topK, maxTokens, stop, seed } = sampling;
  if (temperature !== undefined && !(temperature >= 0 && Number.isFinite(temperature))) {
    throw new ConfigError(`sampling.temperature must be a finite number >= 0, got ${temperature}`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new ConfigError(`sampling.topP must be in (0, 1], got ${topP}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) throw new ConfigError(`sampling.topK must be an integer >= 0, got ${topK}`);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) {
    throw new ConfigError(`sampling.maxTokens must be an integer >= 1, got ${maxTokens}`);
  }
  if (seed !== undefined && !Number.isInteger(seed)) throw new ConfigError(`sampling.seed must be an integer, got ${seed}`);
  const greedy = temperature === undefined || temperature === 0;
  if (greedy) {
    const ignored = [topP !== undefined && 'topP', topK !== undefined && 'topK', seed !== undefined && 'seed'].filter(Boolean);
    if (ignored.length > 0) warnings.push(`${ignored.join(', ')} ignored: decoding is greedy without a temperature above 0`);
  }
  let resolvedMaxTokens = maxTokens ?? limits.defaultMaxTokens;
  if (resolvedMaxTokens > limits.availableTokens) {
    warnings.push(`maxTokens lowered from ${resolvedMaxTokens} to ${limits.availableTokens}: the rest of the context window`);
    resolvedMaxTokens = limits.availableTokens;
  }
  const options: LlamaSamplingOptions = {
    maxTokens: resolvedMaxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(!greedy && topP !== undefined ? { topP } : {}),
    ...(!greedy && topK !== undefined ? { topK } : {}),
    // llama.cpp seeds are uint32 (0xFFFFFFFF means "random"): other integers wrap into that range.
    ...(!greedy && seed !== undefined ? { seed: seed >>> 0 } : {}),
    ...(stop !== undefined && stop.length > 0 ? { customStopTriggers: [...stop] } : {}),
  };
  return { options, warnings };
}
