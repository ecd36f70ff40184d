// A LanguageModel over any OpenAI-compatible chat server (vLLM, SGLang, llama-server, Ollama, LM Studio);
// streaming optional. Tool calls: native, recovered from text, or json-schema mode when native fails (toolCallMode).
import {
  AbortedError,
  ConfigError,
  ModelBackendError,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  type ModelCapabilities,
} from '@worldloop/spec';
import { subscribeToAbort } from './abort-subscription.js';
import { checkedBaseUrl, createBackendHttpClient, type BackendConnectionOptions } from './backend-connection-options.js';
import type { BackendHttpClient } from './backend-http-client.js';
import { chatCompletionResult } from './chat-completion-result.js';
import { ChatCompletionStream } from './chat-completion-stream.js';
import { buildChatRequestBody, type ToolRequestMode } from './chat-request-body.js';
import { defaultModelId, detectServerKind, ollamaModelDetails, probedModels, type ServerProbe } from './server-probe.js';
import { serverKinds, serverProfile, type ServerKind, type ServerProfile } from './server-profile.js';

/**
 * How tool calls are requested. `native`: the server's `tools` (calls written as text are still
 * recovered). `json-schema`: tools described in the system prompt, output constrained by a JSON Schema.
 * `auto` (default): native, switching to json-schema for good when the server rejects `tools`
 * (vLLM without `--enable-auto-tool-choice`, llama-server without `--jinja`, Ollama models without
 * tool support) or after 3 replies with unparseable arguments; a reply with unparseable arguments is
 * asked again once in json-schema mode.
 */
export type ToolCallMode = 'native' | 'json-schema' | 'auto';

/**
 * Options of an {@link OpenAICompatibleModel}: the connection (defaults: timeout 120,000 ms, 4 retries,
 * backoff from 500 ms up to 30,000 ms, 64 requests in flight) and the server's quirks.
 */
export interface OpenAICompatibleModelOptions extends BackendConnectionOptions {
  /** Model id; when absent, the first chat model GET /models lists. */
  readonly model?: string;
  /** The server, for its quirks; `generic` (default) is replaced by what `probe()` detects. */
  readonly server?: ServerKind;
  /** Overrides of what the server supports; they win over defaults and probing. */
  readonly capabilities?: Partial<ModelCapabilities>;
  /** How tool calls are requested (default `auto`). */
  readonly toolCallMode?: ToolCallMode;
  /**
   * Stream every completion (server-sent events, `stream_options.include_usage`) and report the time
   * to the first token; default false. Requests with `onTextDelta` stream either way. A streamed reply
   * is retried only until its first event; `raw` is then the completion rebuilt from the chunks.
   */
  readonly stream?: boolean;
}

const ARGUMENT_FAILURES_BEFORE_SWITCH = 3;

/**
 * One client for vLLM, SGLang, llama.cpp's server, Ollama and LM Studio over
 * `POST {baseUrl}/chat/completions`, with `GET {baseUrl}/models` for discovery and probing.
 * Transport failures throw `ModelBackendError`; a fired abort signal throws `AbortedError`;
 * the model's own mistakes come back as data with warnings.
 */
export class OpenAICompatibleModel implements LanguageModel {
  private readonly options: OpenAICompatibleModelOptions;
  private readonly client: BackendHttpClient;
  private serverKind: ServerKind;
  private resolvedModelId: string | undefined;
  private modelIdLookup: Promise<string> | undefined;
  private probedCapabilities: Partial<ModelCapabilities> = {};
  private jsonSchemaFallback = false;
  private argumentFailures = 0;
  private idCounter = 0;

  constructor(options: OpenAICompatibleModelOptions) {
    if (options.server !== undefined && !serverKinds.includes(options.server)) {
      throw new ConfigError(`Unknown server ${JSON.stringify(options.server)}; expected one of ${serverKinds.join(', ')}.`);
    }
    if (options.toolCallMode !== undefined && !['native', 'json-schema', 'auto'].includes(options.toolCallMode)) {
      throw new ConfigError(`Unknown toolCallMode ${JSON.stringify(options.toolCallMode)}; expected native, json-schema or auto.`);
    }
    this.options = options;
    this.serverKind = options.server ?? 'generic';
    this.resolvedModelId = options.model;
    this.client = createBackendHttpClient(
      'OpenAICompatibleModel',
      options,
      { timeoutMs: 120_000, maxRetries: 4, retryBaseDelayMs: 500, retryMaxDelayMs: 30_000, maxConcurrency: 64 },
      () => this.profile,
    );
  }

  /** Creates a model and probes its server first, so `modelId`, `server` and `capabilities` are known. */
  static async connect(options: OpenAICompatibleModelOptions & { readonly signal?: AbortSignal }): Promise<OpenAICompatibleModel> {
    const model = new OpenAICompatibleModel(options);
    await model.probe(options.signal ? { signal: options.signal } : {});
    return model;
  }

  /** `vllm`, `sglang`, `llama-cpp`, `ollama`, `lmstudio`, or `openai-compatible` while unknown. */
  get provider(): string {
    return this.profile.provider;
  }

  /** The model id; empty until discovered when none was configured. */
  get modelId(): string {
    return this.resolvedModelId ?? '';
  }

  /** The server kind as configured or detected. */
  get server(): ServerKind {
    return this.serverKind;
  }

  /**
   * What the model supports: defaults (tool calls and JSON Schema on; images off; logprobs where the
   * server returns them; 4,096 context tokens until a probe says otherwise), then probed values, then
   * the configured overrides.
   */
  get capabilities(): ModelCapabilities {
    return {
      toolCalls: true,
      jsonSchema: true,
      logprobs: this.profile.reportsLogprobs,
      images: false,
      contextTokens: 4096,
      ...this.probedCapabilities,
      ...this.options.capabilities,
    };
  }

  /** How tool calls are requested now (`auto` resolved). */
  get effectiveToolCallMode(): ToolRequestMode {
    const mode = this.options.toolCallMode ?? 'auto';
    if (mode !== 'auto') return mode;
    return this.jsonSchemaFallback || this.capabilities.toolCalls === false ? 'json-schema' : 'native';
  }

  /** Requests in flight from this instance now. */
  get inFlight(): number {
    return this.client.limiter.active;
  }

  /**
   * Asks the server what it is and what it serves: GET /models (server kind from its shape, models,
   * context window), and for Ollama POST /api/show (the context it really allocates, tool and vision
   * support). Picks the model when none was configured. Updates `server` and `capabilities`.
   */
  async probe(options: { readonly signal?: AbortSignal } = {}): Promise<ServerProbe> {
    const warnings: string[] = [];
    const response = await this.client.request('GET', '/models', undefined, options.signal);
    const detected = detectServerKind(response.body, response.headers);
    if (this.serverKind === 'generic') this.serverKind = detected;
    else if (detected !== 'generic' && detected !== this.serverKind) {
      warnings.push(`Configured as ${this.serverKind}, but GET /models looks like ${detected}; keeping ${this.serverKind}.`);
    }
    const models = probedModels(response.body);
    if (this.resolvedModelId === undefined) this.resolvedModelId = this.requireDefaultModel(response.body);
    else if (models.length > 0 && !models.some((model) => model.id === this.resolvedModelId)) {
      warnings.push(`Model ${JSON.stringify(this.resolvedModelId)} is not among those served: ${models.map((model) => model.id).join(', ')}.`);
    }
    const current = models.find((model) => model.id === this.resolvedModelId);
    const probed: { -readonly [Key in keyof ModelCapabilities]?: ModelCapabilities[Key] } = {};
    if (current?.contextTokens !== undefined) probed.contextTokens = current.contextTokens;
    if (current?.inputModalities) probed.images = current.inputModalities.includes('image');
    if (this.serverKind === 'ollama') await this.probeOllama(probed, warnings, options.signal);
    this.probedCapabilities = probed;
    return {
      server: this.serverKind,
      models,
      ...(probed.contextTokens !== undefined ? { contextTokens: probed.contextTokens } : {}),
      capabilities: this.capabilities,
      warnings,
    };
  }

  /** Generates one completion; see the class and {@link ToolCallMode} for how tool calls are handled. */
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now();
    const modelId = await this.resolveModelId(request.signal);
    const tools = request.tools ?? [];
    const warnings: string[] = [];
    let mode: ToolRequestMode = tools.length > 0 ? this.effectiveToolCallMode : 'native';
    const autoMode = (this.options.toolCallMode ?? 'auto') === 'auto';

    let outcome;
    try {
      outcome = await this.send(request, modelId, mode, started);
    } catch (error) {
      if (!(autoMode && mode === 'native' && tools.length > 0 && isToolRejection(error))) throw error;
      this.jsonSchemaFallback = true;
      warnings.push(
        `${this.profile.displayName} rejected native tool calls (${(error as ModelBackendError).details.serverMessage}); this model now uses json-schema tool mode.`,
      );
      mode = 'json-schema';
      outcome = await this.send(request, modelId, mode, started);
    }

    if (autoMode && mode === 'native' && outcome.brokenToolCalls > 0) {
      this.argumentFailures += 1;
      if (this.argumentFailures >= ARGUMENT_FAILURES_BEFORE_SWITCH) this.jsonSchemaFallback = true;
      warnings.push(
        ...outcome.result.warnings,
        `Native tool-call arguments were not valid JSON; asked again in json-schema mode${this.jsonSchemaFallback ? ' (now the default for this model)' : ''}.`,
      );
      outcome = await this.send(request, modelId, 'json-schema', started);
    }
    return { ...outcome.result, warnings: [...warnings, ...outcome.result.warnings] };
  }

  private async send(request: GenerateRequest, modelId: string, mode: ToolRequestMode, started: number) {
    const tools = request.tools ?? [];
    const built = buildChatRequestBody(request, { model: modelId, profile: this.profile, toolMode: mode });
    let response;
    let stream: ChatCompletionStream | undefined;
    if (this.options.stream === true || request.onTextDelta !== undefined) {
      // In json-schema tool mode the content is the tool-call JSON, not text for the caller.
      stream = new ChatCompletionStream(started, mode === 'native' ? request.onTextDelta : undefined);
      const body = { ...built.body, stream: true, stream_options: { include_usage: true } };
      response = await this.client.requestEvents('POST', '/chat/completions', body, (data) => stream!.add(data), request.signal);
    } else {
      response = await this.client.request('POST', '/chat/completions', built.body, request.signal);
    }
    // A server that ignores `stream` answers with one JSON body; read it as such.
    const body = response.body ?? stream!.completion();
    const firstTokenMs = response.body === null ? stream?.firstTokenMs : undefined;
    const mapped = chatCompletionResult(body, {
      toolNames: tools.map((tool) => tool.name),
      toolMode: mode,
      toolsCallable: tools.length > 0 && request.toolChoice !== 'none',
      nextId: () => this.nextToolCallId(),
      totalMs: Math.round(performance.now() - started),
      ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
    });
    const retried = response.attempts > 1 ? [`Succeeded after ${response.attempts} attempts.`] : [];
    return { ...mapped, result: { ...mapped.result, warnings: [...built.warnings, ...retried, ...mapped.result.warnings] } };
  }

  private get profile(): ServerProfile {
    return serverProfile(this.serverKind);
  }

  /** Ids for calls that arrive without one: 9 alphanumeric characters, the form Mistral templates require. */
  private nextToolCallId(): string {
    const id = `call${this.idCounter.toString(36).padStart(5, '0')}`;
    this.idCounter += 1;
    return id;
  }

  /**
   * The configured or discovered model id. Concurrent callers share one GET /models, which therefore
   * runs under no caller's signal (one caller giving up must not fail the others); each caller stops
   * waiting, with AbortedError, when its own signal fires. A failed lookup is forgotten, to be tried again.
   */
  private async resolveModelId(signal: AbortSignal | undefined): Promise<string> {
    if (this.resolvedModelId !== undefined) return this.resolvedModelId;
    const what = `${this.options.baseUrl}/models`;
    if (signal?.aborted) throw abortedWaiting(what, signal);
    if (this.modelIdLookup === undefined) {
      const lookup = (async () => {
        const response = await this.client.request('GET', '/models');
        if (this.serverKind === 'generic') this.serverKind = detectServerKind(response.body, response.headers);
        this.resolvedModelId ??= this.requireDefaultModel(response.body);
        return this.resolvedModelId;
      })();
      this.modelIdLookup = lookup;
      lookup.catch(() => {
        if (this.modelIdLookup === lookup) this.modelIdLookup = undefined;
      });
    }
    return untilAborted(this.modelIdLookup, signal, what);
  }

  private requireDefaultModel(body: Parameters<typeof defaultModelId>[0]): string {
    const id = defaultModelId(body);
    if (id === undefined) {
      throw new ConfigError(
        `${this.profile.displayName} lists no models at ${this.options.baseUrl}/models; load one (or pass the model option). Body: ${JSON.stringify(body).slice(0, 200)}`,
      );
    }
    return id;
  }

  private async probeOllama(
    probed: { -readonly [Key in keyof ModelCapabilities]?: ModelCapabilities[Key] },
    warnings: string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const root = checkedBaseUrl(this.options.baseUrl).replace(/\/v1$/, '');
    let details;
    try {
      const response = await this.client.request('POST', `${root}/api/show`, { model: this.resolvedModelId }, signal);
      details = ollamaModelDetails(response.body);
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      warnings.push(`Ollama's /api/show did not answer (${(error as Error).message}); context window unknown.`);
      return;
    }
    if (details.configuredContextTokens !== undefined) probed.contextTokens = details.configuredContextTokens;
    else {
      warnings.push(
        `Ollama's OpenAI-compatible API runs ${this.resolvedModelId} with the server's default context (OLLAMA_CONTEXT_LENGTH, often 2,048-4,096 tokens)${
          details.trainedContextTokens ? `, not its trained ${details.trainedContextTokens}` : ''
        }; longer prompts are silently truncated. Set OLLAMA_CONTEXT_LENGTH or PARAMETER num_ctx in a Modelfile, and capabilities.contextTokens to match.`,
      );
    }
    if (details.capabilities) {
      probed.toolCalls = details.capabilities.includes('tools');
      probed.images = details.capabilities.includes('vision');
    }
  }
}

/** `work`'s outcome, unless `signal` fires first: then AbortedError (its cause the signal's reason), `work` left running. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = subscribeToAbort(signal, () => reject(abortedWaiting(what, signal)));
    work.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

function abortedWaiting(what: string, signal: AbortSignal): AbortedError {
  return new AbortedError(`Waiting for ${what} was aborted by its caller.`, { cause: signal.reason });
}

/**
 * A 400 that says the server will not take `tools` as configured: vLLM's "\"auto\" tool choice requires
 * --enable-auto-tool-choice and --tool-call-parser", llama-server's "tools param requires --jinja flag",
 * Ollama's "<model> does not support tools".
 */
function isToolRejection(error: unknown): boolean {
  if (!(error instanceof ModelBackendError) || error.details.status !== 400) return false;
  const message = String(error.details.serverMessage ?? '');
  return /tool choice requires|enable-auto-tool-choice|tool-call-parser|requires --jinja|does not support tools|tools? (?:is|are) not supported/i.test(message);
}
