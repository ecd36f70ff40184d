// A GGUF model run in-process by node-llama-cpp: one model, one context, N sequences batched
// together, prompt-prefix reuse per sequence, JSON-schema grammars for tool calls and answers.
// Loading never compiles llama.cpp unless asked (`buildFromSource`); call close() when done.
import { basename } from 'node:path';
import {
  AbortedError,
  ConfigError,
  ModelBackendError,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  type ModelCapabilities,
} from '@worldloop/spec';
import {
  GeneralChatWrapper,
  LlamaChat,
  type ChatHistoryItem,
  type ChatWrapper,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { toChatHistory } from './chat-history.js';
import { loadGgufModel } from './gguf-model-loader.js';
import { toGrammarJsonSchema } from './grammar-json-schema.js';
import { ResponseFormat } from './response-format.js';
import { toLlamaSamplingOptions } from './sampling-options.js';
import { SequencePool } from './sequence-pool.js';

/** How to load and run a GGUF model. Only `modelPath` is required. */
export interface LlamaCppModelOptions {
  /** Path of the `.gguf` file. */
  readonly modelPath: string;
  /** Name reported as `modelId`. Default: the file name. */
  readonly modelId?: string;
  /** Sequences (parallel generations batched together) in the context. Default 4. */
  readonly sequences?: number;
  /** Context window of each sequence, in tokens. Default: the model's training context, at most 4096. */
  readonly contextTokens?: number;
  /** Tokens evaluated per batch across all sequences. Default: node-llama-cpp's (512, or less for small contexts). */
  readonly batchTokens?: number;
  /**
   * CPU threads for evaluation. Default on the CPU: one less than the cores useful for math (at
   * least 1), since node-llama-cpp's own default (at least 4) oversubscribes small machines and
   * crawls; with a GPU, node-llama-cpp's default.
   */
  readonly threads?: number;
  /** Compute backend. Default `auto` (CUDA, Vulkan or Metal when present, else CPU); `false` forces the CPU. */
  readonly gpu?: 'auto' | 'cuda' | 'vulkan' | 'metal' | false;
  /** Allow node-llama-cpp to compile llama.cpp (minutes) when no usable binary exists. Default false: fail instead. */
  readonly buildFromSource?: boolean;
  /**
   * How chats are rendered to text: `auto` follows the model's chat template, and uses `general`
   * when the file has none; `general` is a plain `### Human` / `### Assistant` format; or any
   * node-llama-cpp `ChatWrapper`. Default `auto`.
   */
  readonly chatWrapper?: 'auto' | 'general' | ChatWrapper;
  /** `maxTokens` of requests that set none. Default 512. */
  readonly defaultMaxTokens?: number;
  /** Least severe llama.cpp log level printed. Default `warn`. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** One context sequence and the chat driver bound to it. */
interface SequenceSlot {
  readonly index: number;
  readonly sequence: LlamaContextSequence;
  readonly chat: LlamaChat;
}

/** What `raw` holds for a llama.cpp generation (recorded with the step). */
interface LlamaCppRaw {
  [key: string]: string | number | boolean | null;
  response: string;
  stopReason: string;
  sequenceIndex: number;
  waitedMs: number;
  grammar: boolean;
}

const GRAMMAR_CACHE_SIZE = 64;

/**
 * A `LanguageModel` over a GGUF file, in this process. Load it with `LlamaCppModel.load`.
 *
 * - **Batching**: one context holds `sequences` sequences; concurrent `generate` calls each get
 *   one and node-llama-cpp evaluates them in shared batches. Calls beyond `sequences` wait.
 * - **Prefix reuse**: a sequence keeps its evaluated tokens after a call. The next call goes to
 *   the sequence whose last prompt its own prompt extends (an episode's previous step) and
 *   evaluates only the new suffix; `usage.cachedPromptTokens` says how many were reused.
 *   Prompts that only append (as DESIGN.md requires) reuse everything before the new turn.
 * - **Grammar**: with `responseSchema` or tools the output is constrained by a GBNF grammar
 *   built from the JSON Schema, so it parses whenever generation is not cut by `maxTokens` or
 *   a stop string (then a warning says so and the text comes back as generated). Tools are
 *   offered as one `{"name": ..., "arguments": ...}` alternative each, plus `{"answer": ...}`
 *   when `toolChoice` is `auto`, described in the system prompt; one tool call per generation.
 * - **Errors**: bad options, a missing or malformed file → `ConfigError` before llama.cpp runs;
 *   llama.cpp failures and prompts longer than the context → `ModelBackendError`; an aborted
 *   signal → `AbortedError`.
 */
export class LlamaCppModel implements LanguageModel {
  readonly provider = 'llama-cpp';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;

  private readonly pool: SequencePool<SequenceSlot>;
  private readonly grammars = new Map<string, Promise<{ grammar: LlamaGrammar; unenforcedKeywords: readonly string[] }>>();
  private toolCallCounter = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    slots: readonly SequenceSlot[],
    private readonly chatWrapper: ChatWrapper,
    private readonly defaultMaxTokens: number,
    modelId: string,
  ) {
    this.modelId = modelId;
    this.capabilities = { toolCalls: true, jsonSchema: true, logprobs: false, images: false, contextTokens: context.contextSize };
    this.pool = new SequencePool(slots, (slot) => slot.sequence.contextTokens);
  }

  /**
   * Checks the file, loads llama.cpp's binaries, the model and one context with `sequences`
   * sequences. Throws `ConfigError` for bad options or a missing / malformed file (before
   * llama.cpp reads it) and `ModelBackendError` when llama.cpp fails to load it.
   */
  static async load(options: LlamaCppModelOptions): Promise<LlamaCppModel> {
    const sequences = positiveInteger(options.sequences ?? 4, 'sequences');
    const defaultMaxTokens = positiveInteger(options.defaultMaxTokens ?? 512, 'defaultMaxTokens');
    if (options.contextTokens !== undefined) positiveInteger(options.contextTokens, 'contextTokens');
    if (options.batchTokens !== undefined) positiveInteger(options.batchTokens, 'batchTokens');
    const { llama, model, summary, threads } = await loadGgufModel('LlamaCppModel', options);
    try {
      const contextTokens = options.contextTokens ?? Math.min(summary.trainContextTokens ?? model.trainContextSize, 4096);
      const context = await model.createContext({
        sequences,
        contextSize: contextTokens,
        ...(options.batchTokens !== undefined ? { batchSize: options.batchTokens } : {}),
        ...(threads !== undefined ? { threads } : {}),
      });
      const requestedWrapper = options.chatWrapper ?? 'auto';
      // node-llama-cpp would guess a Llama 2 format for a file without a template.
      const useGeneral = requestedWrapper === 'general' || (requestedWrapper === 'auto' && !summary.hasChatTemplate);
      const wrapper = useGeneral ? new GeneralChatWrapper() : requestedWrapper;
      const slots: SequenceSlot[] = [];
      for (let index = 0; index < sequences; index++) {
        const sequence = context.getSequence();
        slots.push({ index, sequence, chat: new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper }) });
      }
      return new LlamaCppModel(llama, model, context, slots, slots[0]!.chat.chatWrapper, defaultMaxTokens, options.modelId ?? basename(options.modelPath));
    } catch (error) {
      await model.dispose().catch(() => undefined);
      await llama.dispose().catch(() => undefined);
      throw new ModelBackendError(`llama.cpp could not load ${options.modelPath}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Generates one completion on a free sequence (waiting for one when all are busy). */
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const startedAt = performance.now();
    if (this.closed) throw new ModelBackendError(`Model ${this.modelId} is closed`);
    if (request.signal?.aborted) throw new AbortedError('Generation aborted before it started', { cause: request.signal.reason });
    const format = ResponseFormat.forRequest(request);
    const { history, warnings } = toChatHistory(request.messages, format?.instructions);
    const prompt = this.tokenize(history);
    const contextTokens = this.context.contextSize;
    if (prompt.length >= contextTokens - 1) {
      throw new ModelBackendError(
        `The prompt is ${prompt.length} tokens; a sequence of ${this.modelId} holds ${contextTokens}. Shorten the history or load the model with a larger contextTokens.`,
        { details: { promptTokens: prompt.length, contextTokens } },
      );
    }
    const sampling = toLlamaSamplingOptions(request.sampling, { defaultMaxTokens: this.defaultMaxTokens, availableTokens: contextTokens - 1 - prompt.length });
    warnings.push(...sampling.warnings);
    if (request.logprobs !== undefined) warnings.push('logprobs are not returned by the in-process llama.cpp backend (ignored).');
    const grammar = format ? await this.grammarFor(format.schema) : undefined;
    if (grammar && grammar.unenforcedKeywords.length > 0) {
      warnings.push(`JSON Schema keywords not enforced by the grammar (outputs parse but may violate them): ${grammar.unenforcedKeywords.join(', ')}`);
    }

    const lease = await this.pool.acquire(prompt, request.signal);
    const { sequence, chat, index } = lease.slot;
    let response: Awaited<ReturnType<LlamaChat['generateResponse']>>;
    let firstTokenAt: number | undefined;
    // LlamaChat always evaluates at least the last prompt token, so at most length - 1 are reused.
    const cachedPromptTokens = Math.min(sequence.compareContextTokens(prompt).firstDifferentIndex, prompt.length - 1);
    const outputBefore = sequence.tokenMeter.usedOutputTokens;
    try {
      response = await chat.generateResponse(history, {
        ...sampling.options,
        ...(grammar ? { grammar: grammar.grammar } : {}),
        repeatPenalty: false,
        ...(request.signal ? { signal: request.signal } : {}),
        onToken: () => {
          firstTokenAt ??= performance.now();
        },
      });
    } catch (error) {
      if (request.signal?.aborted) throw new AbortedError('Generation aborted', { cause: error });
      throw new ModelBackendError(`llama.cpp generation failed on ${this.modelId}: ${(error as Error).message}`, { cause: error });
    } finally {
      this.pool.release(lease.slot);
    }
    const completionTokens = sequence.tokenMeter.usedOutputTokens - outputBefore;

    const stopReason = response.metadata.stopReason;
    let finishReason: FinishReason = stopReason === 'maxTokens' ? 'length' : stopReason === 'abort' ? 'other' : 'stop';
    let text = response.response;
    let toolCalls: GenerateResult['toolCalls'] = [];
    if (format) {
      const read = format.read(response.response, () => `call_${++this.toolCallCounter}`);
      text = read.text;
      toolCalls = read.toolCalls;
      if (toolCalls.length > 0) finishReason = 'tool-calls';
      if (!read.complete) warnings.push(`the output is not the complete JSON the grammar asks for: generation stopped (${stopReason}) before it finished`);
    }
    const finishedAt = performance.now();
    const raw: LlamaCppRaw = { response: response.response, stopReason, sequenceIndex: index, waitedMs: round(lease.waitedMs), grammar: grammar !== undefined };
    return {
      text,
      toolCalls,
      finishReason,
      usage: { promptTokens: prompt.length, completionTokens, cachedPromptTokens },
      timings: { totalMs: round(finishedAt - startedAt), ...(firstTokenAt !== undefined ? { firstTokenMs: round(firstTokenAt - startedAt) } : {}) },
      raw,
      warnings,
    };
  }

  /** Tokens the model reads for `text` (its own tokenizer; chat-template tokens not included). */
  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /**
   * Rejects waiting calls, then frees the context, the model and llama.cpp's backend. Idempotent:
   * every call resolves once they are freed, including one made while an earlier one is freeing.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.pool.close(new ModelBackendError(`Model ${this.modelId} was closed while the call waited for a sequence`));
    this.closing = (async () => {
      try {
        await this.context.dispose();
      } finally {
        try {
          await this.model.dispose();
        } finally {
          await this.llama.dispose();
        }
      }
    })();
    return this.closing;
  }

  /** The prompt exactly as LlamaChat will evaluate it: history plus an open model turn. */
  private tokenize(history: ChatHistoryItem[]): Token[] {
    const chatHistory = history.at(-1)?.type === 'model' ? history : [...history, { type: 'model' as const, response: [] }];
    return this.chatWrapper.generateContextState({ chatHistory }).contextText.tokenize(this.model.tokenizer);
  }

  private grammarFor(schema: object): Promise<{ grammar: LlamaGrammar; unenforcedKeywords: readonly string[] }> {
    const key = JSON.stringify(schema);
    let entry = this.grammars.get(key);
    if (!entry) {
      const converted = toGrammarJsonSchema(schema as Record<string, unknown>);
      // The schema is only known at run time, so the generic's literal inference has nothing to infer.
      entry = this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(converted.schema).then((grammar) => ({ grammar, unenforcedKeywords: converted.unenforcedKeywords }));
      entry.catch(() => this.grammars.delete(key));
      if (this.grammars.size >= GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, entry);
    }
    return entry.catch((error: unknown) => {
      throw new ModelBackendError(`Cannot build a grammar from the JSON Schema: ${(error as Error).message}`, { cause: error, details: { schema: key } });
    });
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`LlamaCppModel option ${name} must be a positive integer, got ${value}`);
  return value;
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 100) / 100;
}
