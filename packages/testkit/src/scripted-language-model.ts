// A language model whose answers come from a function of the request: for tests and benchmarks
// that need a model to react to what it is shown. Records every request (`calls`), like the
// Vercel AI SDK's mock models; optional latency (fixed, or a simulated batching server).
import { AbortedError, type GenerateRequest, type GenerateResult, type LanguageModel, type ModelCapabilities } from '@worldloop/spec';
import { FixedModelLatency } from './fixed-model-latency.js';
import { generateResult } from './generate-result.js';
import type { ModelLatency } from './model-latency.js';

/** An answer: a full result, or just its text. */
export type ScriptedAnswer = GenerateResult | string;

/** Computes the answer to a request; `callIndex` counts this model's calls from 0. */
export type ScriptedResponder = (request: GenerateRequest, callIndex: number) => ScriptedAnswer | Promise<ScriptedAnswer>;

/** Options shared by the test models of the testkit. */
export interface TestLanguageModelOptions {
  /** Default `testkit`. */
  readonly provider?: string;
  /** Default `scripted` (or `recorded`). */
  readonly modelId?: string;
  /** Overrides of the declared capabilities (default: tool calls and JSON schema on, 32,768 tokens of context). */
  readonly capabilities?: Partial<ModelCapabilities>;
  /** A fixed delay per call in milliseconds, or a latency model (a simulated batching server). */
  readonly latency?: number | ModelLatency;
}

/** The capabilities test models declare unless told otherwise. */
const testModelCapabilities: ModelCapabilities = Object.freeze({
  toolCalls: true,
  jsonSchema: true,
  logprobs: false,
  images: false,
  contextTokens: 32_768,
});

/**
 * A `LanguageModel` that answers with `respond(request, callIndex)`. Throwing in `respond` is how a
 * test simulates a backend failure (throw a `ModelBackendError`).
 *
 * @example
 * const model = new ScriptedLanguageModel(() => 'Thought: go on.\nAction: forward');
 * // ... run an episode ...
 * expect(model.calls[0]!.messages[0]!.role).toBe('system');
 */
export class ScriptedLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** Every request received, in order (the request objects themselves). */
  readonly calls: GenerateRequest[] = [];
  private readonly latency: ModelLatency | undefined;

  constructor(
    private readonly respond: ScriptedResponder,
    options: TestLanguageModelOptions = {},
  ) {
    this.provider = options.provider ?? 'testkit';
    this.modelId = options.modelId ?? 'scripted';
    this.capabilities = { ...testModelCapabilities, ...options.capabilities };
    this.latency = typeof options.latency === 'number' ? new FixedModelLatency(options.latency) : options.latency;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const callIndex = this.calls.length;
    this.calls.push(request);
    if (request.signal?.aborted) throw new AbortedError('The model call was aborted.');
    const answer = await this.respond(request, callIndex);
    const result = typeof answer === 'string' ? generateResult({ text: answer }) : answer;
    if (this.latency) await this.latency.wait(request, result, request.signal);
    // Aborted while the script was answering: a backend would not deliver the answer either.
    else if (request.signal?.aborted) throw new AbortedError('The model call was aborted.');
    return result;
  }
}
