// An Embedder over a GGUF embedding model in this process (node-llama-cpp's embedding context). One text
// per evaluation: node-llama-cpp 3.21 has no batch call, so `contexts` > 1 is how to embed texts in parallel.
import { basename } from 'node:path';
import { ConfigError, ModelBackendError, type Embedder } from '@worldloop/spec';
import type { Llama, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { loadGgufModel, type GgufModelLoadOptions } from './gguf-model-loader.js';

/** How to load and run a GGUF embedding model. Only `modelPath` is required. */
export interface LlamaCppEmbedderOptions extends GgufModelLoadOptions {
  /** The embedder's `id`, recorded by memory stores with its vectors. Default: `gguf:<file name>`. */
  readonly id?: string;
  /** Longest text, in tokens, one context embeds. Default: the model's training context, at most 4096. */
  readonly contextTokens?: number;
  /** Tokens evaluated per batch. Default: node-llama-cpp's. */
  readonly batchTokens?: number;
  /** Embedding contexts, each embedding one text at a time; texts are spread over them. Default 1. */
  readonly contexts?: number;
}

/** How the model pools token states into one vector (`<architecture>.pooling_type` in the file). */
export type LlamaCppPooling = 'mean' | 'cls' | 'last' | 'rank' | 'last-token-state';

const POOLING_NAMES: Readonly<Record<number, LlamaCppPooling>> = { 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank' };

/**
 * An `Embedder` running a GGUF model in process: load it with `LlamaCppEmbedder.load`, close it when done.
 *
 * - **Model**: made for embeddings (nomic-embed-text, bge, e5, gte, Qwen3-Embedding as GGUF): the
 *   file's pooling (`pooling`) makes one vector per text. A model whose file declares no pooling (a
 *   plain decoder) gives the hidden state of its last token (`pooling: 'last-token-state'`): a vector
 *   of the right length, but not one trained for similarity.
 * - **Throughput**: node-llama-cpp 3.21's `LlamaEmbeddingContext.getEmbeddingFor` embeds one text
 *   per call and serialises calls on its one sequence; texts are spread over `contexts` contexts.
 * - **Vectors**: as the model makes them (memory stores normalise); `dimension` is the model's
 *   output width. Deterministic for a given file, text and backend. Empty (or white-space) texts get
 *   a vector of zeros without running the model.
 * - **Errors**: a missing or malformed file, bad options → ConfigError; llama.cpp failures and texts
 *   longer than `contextTokens` → ModelBackendError naming the text's position and length.
 */
export class LlamaCppEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  /** How the file pools token states; `last-token-state` when it declares none. */
  readonly pooling: LlamaCppPooling;
  /** Longest text in tokens (the context size). */
  readonly contextTokens: number;
  readonly #llama: Llama;
  readonly #model: LlamaModel;
  readonly #contexts: readonly LlamaEmbeddingContext[];
  #next = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(llama: Llama, model: LlamaModel, contexts: readonly LlamaEmbeddingContext[], settings: { id: string; pooling: LlamaCppPooling; contextTokens: number }) {
    this.#llama = llama;
    this.#model = model;
    this.#contexts = contexts;
    this.id = settings.id;
    this.pooling = settings.pooling;
    this.contextTokens = settings.contextTokens;
    this.dimension = model.embeddingVectorSize;
  }

  /**
   * Checks the file, loads llama.cpp, the model and `contexts` embedding contexts. Throws ConfigError
   * for bad options or a missing / malformed file, ModelBackendError when llama.cpp fails (an
   * encoder-decoder model, which llama.cpp cannot embed with, included).
   */
  static async load(options: LlamaCppEmbedderOptions): Promise<LlamaCppEmbedder> {
    const contexts = positiveInteger(options.contexts ?? 1, 'contexts');
    if (options.contextTokens !== undefined) positiveInteger(options.contextTokens, 'contextTokens');
    if (options.batchTokens !== undefined) positiveInteger(options.batchTokens, 'batchTokens');
    const { llama, model, summary, threads } = await loadGgufModel('LlamaCppEmbedder', options);
    const created: LlamaEmbeddingContext[] = [];
    try {
      const contextSize = options.contextTokens ?? Math.min(summary.trainContextTokens ?? model.trainContextSize, 4096);
      for (let index = 0; index < contexts; index++) {
        created.push(
          await model.createEmbeddingContext({
            contextSize,
            ...(options.batchTokens !== undefined ? { batchSize: options.batchTokens } : {}),
            ...(threads !== undefined ? { threads } : {}),
          }),
        );
      }
      const declared = (model.fileInfo.metadata as unknown as Record<string, { pooling_type?: number } | undefined>)[summary.architecture]?.pooling_type;
      const pooling = (declared !== undefined && POOLING_NAMES[declared]) || 'last-token-state';
      return new LlamaCppEmbedder(llama, model, created, { id: options.id ?? `gguf:${basename(options.modelPath)}`, pooling, contextTokens: contextSize });
    } catch (error) {
      for (const context of created) await context.dispose().catch(() => undefined);
      await model.dispose().catch(() => undefined);
      await llama.dispose().catch(() => undefined);
      throw new ModelBackendError(`llama.cpp could not create an embedding context for ${options.modelPath}: ${(error as Error).message}`, { cause: error });
    }
  }

  async embed(texts: readonly string[]): Promise<readonly Float32Array[]> {
    if (this.#closed) throw new ModelBackendError(`Embedder ${this.id} is closed.`);
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string')) {
      throw new ConfigError(`embed takes a list of strings, got ${Array.isArray(texts) ? 'a list holding something else' : typeof texts}.`);
    }
    const vectors: Float32Array[] = new Array(texts.length);
    const pending = texts.flatMap((text, position) => (text.trim() === '' ? [] : [position]));
    let taken = 0;
    let failed = false;
    // Each context takes the next text when it is free: the lock inside node-llama-cpp serialises one context.
    const worker = async (context: LlamaEmbeddingContext) => {
      while (!failed && taken < pending.length) {
        const position = pending[taken++]!;
        try {
          vectors[position] = await this.#embedOne(context, texts[position]!, position);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Math.min(this.#contexts.length, pending.length);
    const start = this.#next;
    this.#next = (this.#next + workers) % this.#contexts.length;
    await Promise.all(Array.from({ length: workers }, (_, offset) => worker(this.#contexts[(start + offset) % this.#contexts.length]!)));
    for (let position = 0; position < texts.length; position++) vectors[position] ??= new Float32Array(this.dimension);
    return vectors;
  }

  /** Tokens the model reads for `text`, special tokens included; longer than `contextTokens` cannot be embedded. */
  countTokens(text: string): number {
    return this.#contexts[0]!.calculateInputLength(text);
  }

  /**
   * Frees the contexts, the model and llama.cpp's backend. Idempotent: every call resolves once they
   * are freed, including one made while an earlier one is freeing.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      try {
        for (const context of this.#contexts) await context.dispose();
      } finally {
        try {
          await this.#model.dispose();
        } finally {
          await this.#llama.dispose();
        }
      }
    })();
    return this.#closing;
  }

  async #embedOne(context: LlamaEmbeddingContext, text: string, position: number): Promise<Float32Array> {
    // llama.cpp pads the context (to a multiple of 256 tokens), so it alone would take texts longer than contextTokens.
    const counted = safeCount(context, text);
    if (counted !== undefined && counted >= this.contextTokens) throw this.#tooLong(position, counted);
    let values: readonly number[];
    try {
      values = (await context.getEmbeddingFor(text)).vector;
    } catch (error) {
      const tokens = safeCount(context, text);
      if (tokens !== undefined && tokens >= this.contextTokens) throw this.#tooLong(position, tokens, error);
      throw new ModelBackendError(`llama.cpp failed to embed text ${position} with ${this.id}: ${(error as Error).message}`, { cause: error, details: { position } });
    }
    if (values.length !== this.dimension) {
      throw new ModelBackendError(`llama.cpp returned ${values.length} numbers for text ${position}, but ${this.id} makes ${this.dimension}-dimension vectors.`, {
        details: { position, received: values.length, expected: this.dimension },
      });
    }
    return Float32Array.from(values);
  }

  #tooLong(position: number, tokens: number, cause?: unknown): ModelBackendError {
    return new ModelBackendError(
      `Text ${position} is ${tokens} tokens; ${this.id} embeds at most ${this.contextTokens - 1}. Shorten it, or load the embedder with a larger contextTokens (up to the model's training context).`,
      { ...(cause !== undefined ? { cause } : {}), details: { position, tokens, contextTokens: this.contextTokens } },
    );
  }
}

function safeCount(context: LlamaEmbeddingContext, text: string): number | undefined {
  try {
    return context.calculateInputLength(text);
  } catch {
    return undefined;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`LlamaCppEmbedder option ${name} must be a positive integer, got ${value}`);
  return value;
}
