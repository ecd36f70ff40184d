// An Embedder over `POST {baseUrl}/embeddings` of vLLM, llama.cpp's server, Ollama (and SGLang, LM Studio):
// batched, in input order, the dimension declared or asked of the server once. Vectors come back as served (not normalised).
import { ConfigError, ModelBackendError, type Embedder } from '@worldloop/spec';
import { createBackendHttpClient, checkedBaseUrl, type BackendConnectionOptions } from './backend-connection-options.js';
import type { BackendHttpClient } from './backend-http-client.js';
import { readEmbeddingsResponse } from './embeddings-response.js';
import { serverKinds, serverProfile, type ServerKind, type ServerProfile } from './server-profile.js';

/** Options of an {@link OpenAICompatibleEmbedder}: the connection, plus what to embed with. */
export interface OpenAICompatibleEmbedderOptions extends BackendConnectionOptions {
  /** The embedding model as the server names it (`BAAI/bge-m3` on vLLM, `nomic-embed-text` on Ollama, the alias on llama-server). */
  readonly model: string;
  /**
   * The embedder's `id`, which a memory store records with its vectors. Default: `model`, plus
   * `@<dimension>` when `requestDimension` is set. Change it whenever the same text would embed differently.
   */
  readonly id?: string;
  /**
   * Length of the model's vectors. When absent, `connect()` (or `probe()`) asks the server once; a
   * memory store needs it known when it opens. When given, every vector is checked against it.
   */
  readonly dimension?: number;
  /**
   * Send `dimensions: dimension` so the server shortens the vectors (Matryoshka models on vLLM and
   * Ollama). vLLM refuses it for other models; llama-server ignores it. Default false.
   */
  readonly requestDimension?: boolean;
  /** Texts per request (default 64); larger inputs are split and sent concurrently, up to `maxConcurrency`. */
  readonly batchSize?: number;
  /** Wire format of the vectors: `float` (default, JSON numbers) or `base64` (little-endian float32, smaller). */
  readonly encodingFormat?: 'float' | 'base64';
  /** The server, for messages and start hints only: the request is the same for all. Default `generic`. */
  readonly server?: ServerKind;
}

/** How to start each server so that it serves embeddings, for connection errors. */
const embeddingStartHints: Readonly<Record<ServerKind, string>> = {
  vllm: 'vllm serve <embedding model> --runner pooling --port 8000',
  sglang: 'python -m sglang.launch_server --model-path <embedding model> --is-embedding --port 30000',
  'llama-cpp': 'llama-server -m <embedding model.gguf> --embeddings --pooling mean --port 8080 (the pooling its model card names)',
  ollama: 'ollama serve (then: ollama pull nomic-embed-text)',
  lmstudio: 'lms server start (and load an embedding model: lms load <model>)',
  generic:
    'one of: vllm serve <embedding model> --runner pooling | llama-server -m <model.gguf> --embeddings --pooling mean | ollama serve',
};

const PROBE_TEXT = 'The red key is in the room to the north.';
const DEFAULT_BATCH_SIZE = 64;
const MAX_DIMENSION = 65_536;

/**
 * An `Embedder` that asks an OpenAI-compatible server for embeddings:
 * `{"model", "input": [texts], "encoding_format"}` → `{"data": [{"index", "embedding"}]}`.
 *
 * - **Batches**: `embed` sends `batchSize` texts per request, several requests at once (up to
 *   `maxConcurrency`), and returns the vectors in input order, matched by `index`.
 * - **Dimension**: declared (`dimension`) or asked once (`connect()` / `probe()` embed one short
 *   text); until then reading `dimension` throws ConfigError, so a store cannot open with an unknown one.
 * - **Empty texts** (empty or only white space) are not sent: they get a vector of zeros, as the
 *   hashed embedder gives them (llama-server refuses empty input; stores refuse zero vectors).
 * - **Scale**: vectors are returned as the server sends them; memory stores normalise to unit length.
 * - **Errors**: transport and HTTP failures as `BackendHttpClient` reports them (retries on 408, 429,
 *   5xx and dropped connections; none on other 4xx), with a hint for the known refusals (llama-server
 *   without `--embeddings` or with `--pooling none`, vLLM refusing `dimensions`); a response with
 *   fewer or more vectors than inputs, vectors of the wrong length or non-finite values → ModelBackendError.
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  /** The model as the server names it. */
  readonly model: string;
  /** Texts per request. */
  readonly batchSize: number;
  readonly #client: BackendHttpClient;
  readonly #baseUrl: string;
  readonly #serverKind: ServerKind;
  readonly #requestDimension: boolean;
  readonly #encodingFormat: 'float' | 'base64';
  readonly #declaredDimension: number | undefined;
  #dimension: number | undefined;
  #probe: Promise<number> | undefined;

  constructor(options: OpenAICompatibleEmbedderOptions) {
    if (typeof options.model !== 'string' || options.model.trim() === '') {
      throw new ConfigError(`OpenAICompatibleEmbedder needs the embedding model's name (option model), got ${JSON.stringify(options.model)}; e.g. "nomic-embed-text" on Ollama, "BAAI/bge-m3" on vLLM.`);
    }
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 4096) {
      throw new ConfigError(`OpenAICompatibleEmbedder option batchSize must be a whole number from 1 to 4096, got ${JSON.stringify(options.batchSize)}.`);
    }
    if (options.dimension !== undefined && (!Number.isSafeInteger(options.dimension) || options.dimension < 1 || options.dimension > MAX_DIMENSION)) {
      throw new ConfigError(`OpenAICompatibleEmbedder option dimension must be a whole number from 1 to ${MAX_DIMENSION}, got ${JSON.stringify(options.dimension)}; leave it out to ask the server.`);
    }
    if (options.requestDimension && options.dimension === undefined) {
      throw new ConfigError('OpenAICompatibleEmbedder option requestDimension needs dimension: the length to ask the server for.');
    }
    if (options.encodingFormat !== undefined && options.encodingFormat !== 'float' && options.encodingFormat !== 'base64') {
      throw new ConfigError(`OpenAICompatibleEmbedder option encodingFormat must be "float" or "base64", got ${JSON.stringify(options.encodingFormat)}.`);
    }
    if (options.server !== undefined && !serverKinds.includes(options.server)) {
      throw new ConfigError(`Unknown server ${JSON.stringify(options.server)}; expected one of ${serverKinds.join(', ')}.`);
    }
    this.model = options.model;
    this.batchSize = batchSize;
    this.#serverKind = options.server ?? 'generic';
    this.#requestDimension = options.requestDimension ?? false;
    this.#encodingFormat = options.encodingFormat ?? 'float';
    this.#declaredDimension = options.dimension;
    this.#dimension = options.dimension;
    this.id = options.id ?? (this.#requestDimension ? `${options.model}@${options.dimension}` : options.model);
    this.#baseUrl = checkedBaseUrl(options.baseUrl);
    this.#client = createBackendHttpClient(
      'OpenAICompatibleEmbedder',
      options,
      { timeoutMs: 60_000, maxRetries: 4, retryBaseDelayMs: 500, retryMaxDelayMs: 30_000, maxConcurrency: 4 },
      () => this.#profile,
    );
  }

  /** Creates an embedder and asks the server for its dimension (or checks the declared one), so it is ready for a store. */
  static async connect(options: OpenAICompatibleEmbedderOptions): Promise<OpenAICompatibleEmbedder> {
    const embedder = new OpenAICompatibleEmbedder(options);
    await embedder.probe();
    return embedder;
  }

  /** Length of every vector; ConfigError while neither declared nor probed. */
  get dimension(): number {
    if (this.#dimension === undefined) {
      throw new ConfigError(
        `The dimension of embedding model "${this.model}" at ${this.#baseUrl} is not known yet: create the embedder with await OpenAICompatibleEmbedder.connect(options), which asks the server once, or pass the dimension option.`,
        { details: { model: this.model, baseUrl: this.#baseUrl } },
      );
    }
    return this.#dimension;
  }

  /** Requests in flight from this instance now. */
  get inFlight(): number {
    return this.#client.limiter.active;
  }

  /**
   * Embeds one short text to learn the model's dimension (once; later calls reuse the answer).
   * With a declared dimension it checks the server agrees; ModelBackendError when it does not.
   */
  probe(): Promise<number> {
    this.#probe ??= this.#send([PROBE_TEXT]).then(
      ([vector]) => {
        this.#dimension = vector!.length;
        return vector!.length;
      },
      (error: unknown) => {
        this.#probe = undefined;
        throw error;
      },
    );
    return this.#probe;
  }

  async embed(texts: readonly string[]): Promise<readonly Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string')) {
      throw new ConfigError(`embed takes a list of strings, got ${describe(texts)}.`);
    }
    const sent = texts.flatMap((text, position) => (text.trim() === '' ? [] : [position]));
    const batches: number[][] = [];
    for (let start = 0; start < sent.length; start += this.batchSize) batches.push(sent.slice(start, start + this.batchSize));
    const vectors: Float32Array[] = new Array(texts.length);
    const embedBatch = async (batch: readonly number[]) => {
      const embedded = await this.#send(batch.map((position) => texts[position]!));
      batch.forEach((position, index) => (vectors[position] = embedded[index]!));
    };
    // The first batch fixes an unknown dimension; the others are then checked against it.
    if (this.#dimension === undefined && batches.length > 0) {
      await embedBatch(batches[0]!);
      this.#dimension ??= vectors[batches[0]![0]!]!.length;
      await Promise.all(batches.slice(1).map(embedBatch));
    } else {
      await Promise.all(batches.map(embedBatch));
    }
    if (sent.length < texts.length) {
      const dimension = this.#dimension ?? (await this.probe());
      for (let position = 0; position < texts.length; position++) vectors[position] ??= new Float32Array(dimension);
    }
    return vectors;
  }

  async #send(input: readonly string[]): Promise<Float32Array[]> {
    const body = {
      model: this.model,
      input,
      encoding_format: this.#encodingFormat,
      ...(this.#requestDimension ? { dimensions: this.#declaredDimension } : {}),
    };
    const source = `${this.#profile.displayName} at ${this.#baseUrl}/embeddings (model ${JSON.stringify(this.model)})`;
    let response;
    try {
      response = await this.#client.request('POST', '/embeddings', body);
    } catch (error) {
      throw withHint(error);
    }
    return readEmbeddingsResponse(response.body, { inputCount: input.length, dimension: this.#dimension, source });
  }

  get #profile(): ServerProfile {
    return { ...serverProfile(this.#serverKind), startHint: embeddingStartHints[this.#serverKind] };
  }
}

/** The server's refusal with what to do about it, for the refusals users meet when setting up embeddings. */
function withHint(error: unknown): unknown {
  if (!(error instanceof ModelBackendError)) return error;
  const serverMessage = String(error.details.serverMessage ?? '');
  let hint: string | undefined;
  if (/does not support embeddings|--embeddings/i.test(serverMessage)) {
    hint = 'Restart llama-server with --embeddings and a pooling type (--pooling mean, cls or last, as the model card says), or, on Ollama, use an embedding model (ollama pull nomic-embed-text).';
  } else if (/pooling type 'none'/i.test(serverMessage)) {
    hint = "Restart llama-server with --pooling mean, cls or last (as the model card says): the model's file declares no pooling, and per-token vectors cannot be served as OpenAI embeddings.";
  } else if (/matryoshka/i.test(serverMessage)) {
    hint = 'This model cannot shorten its vectors: drop the requestDimension option (and set dimension to its full length, or leave it out).';
  } else if (/does not support (the )?embeddings api/i.test(serverMessage)) {
    hint = 'The served model is not an embedding model: serve one with vllm serve <embedding model> --runner pooling.';
  } else if (error.details.status === 404 && !/model/i.test(serverMessage)) {
    hint = 'This server has no /embeddings route here: check that baseUrl is the OpenAI-compatible root (usually ending in /v1).';
  }
  if (hint === undefined) return error;
  return new ModelBackendError(`${error.message} ${hint}`, { cause: error, retryable: error.retryable, details: error.details });
}

function describe(value: unknown): string {
  if (!Array.isArray(value)) return value === null ? 'null' : typeof value;
  const bad = value.find((item) => typeof item !== 'string');
  return `a list holding ${bad === null ? 'null' : typeof bad}`;
}
