// Reads GET /models (and Ollama's /api/show) into what a client needs: which server it is, the
// models, the context window. Detection trusts only what each server writes about itself.
import type { JsonValue, ModelCapabilities } from '@worldloop/spec';
import type { ServerKind } from './server-profile.js';

/** One model a server lists. */
export interface ProbedModel {
  readonly id: string;
  /** The listing's `owned_by` (the server's own name on vLLM, SGLang, llama.cpp). */
  readonly ownedBy?: string;
  /** Context window the server reports for it, in tokens. */
  readonly contextTokens?: number;
  /** Input kinds (`text`, `image`, ...) where the server says (llama.cpp's `architecture`). */
  readonly inputModalities?: readonly string[];
}

/** What `probe()` learnt about a server. */
export interface ServerProbe {
  /** The server kind, as configured or as detected when configured `generic`. */
  readonly server: ServerKind;
  readonly models: readonly ProbedModel[];
  /** Context window of the model in use, where the server reports one. */
  readonly contextTokens?: number;
  /** Capabilities after the probe, overrides applied. */
  readonly capabilities: ModelCapabilities;
  /** What the probe could not establish, or what the user should know (Ollama's context default). */
  readonly warnings: readonly string[];
}

/**
 * Guesses the server from a /models body and response headers: `owned_by` is `vllm`, `sglang`,
 * `llamacpp` (their sources' defaults), `organization_owner` (LM Studio); Ollama writes the model's
 * namespace (`library`) and ids carry a `:tag`; llama-server also answers with `Server: llama.cpp`.
 * Returns `generic` when nothing is conclusive.
 */
export function detectServerKind(body: JsonValue, headers?: Headers): ServerKind {
  const entries = listEntries(body);
  for (const entry of entries) {
    switch (entry.owned_by) {
      case 'vllm':
        return 'vllm';
      case 'sglang':
        return 'sglang';
      case 'llamacpp':
        return 'llama-cpp';
      case 'organization_owner':
        return 'lmstudio';
      case 'library':
        return 'ollama';
    }
  }
  if (/llama\.cpp/i.test(headers?.get('server') ?? '')) return 'llama-cpp';
  if (entries.length > 0 && entries.every((entry) => typeof entry.id === 'string' && /:[\w.-]+$/.test(entry.id) && !('max_model_len' in entry))) {
    return 'ollama';
  }
  return 'generic';
}

/** The models of a /models body, with context windows: `max_model_len` (vLLM, SGLang), `meta.n_ctx` or `meta.n_ctx_train` (llama.cpp). */
export function probedModels(body: JsonValue): ProbedModel[] {
  const models: ProbedModel[] = [];
  for (const entry of listEntries(body)) {
    if (typeof entry.id !== 'string') continue;
    const meta = isRecord(entry.meta) ? entry.meta : {};
    const contextTokens = positive(entry.max_model_len) ?? positive(meta.n_ctx) ?? positive(meta.n_ctx_train);
    const architecture = isRecord(entry.architecture) ? entry.architecture : {};
    const modalities = Array.isArray(architecture.input_modalities)
      ? architecture.input_modalities.filter((item): item is string => typeof item === 'string')
      : undefined;
    models.push({
      id: entry.id,
      ...(typeof entry.owned_by === 'string' ? { ownedBy: entry.owned_by } : {}),
      ...(contextTokens !== undefined ? { contextTokens } : {}),
      ...(modalities ? { inputModalities: modalities } : {}),
    });
  }
  return models;
}

/**
 * The model to use when none is configured: the first listed that is not an embedding model
 * (LM Studio lists `text-embedding-*` models next to chat models) nor a LoRA child.
 */
export function defaultModelId(body: JsonValue): string | undefined {
  const entries = listEntries(body).filter((entry) => typeof entry.id === 'string');
  const chat = entries.find((entry) => !/embed/i.test(entry.id as string) && (entry.parent === undefined || entry.parent === null));
  return (chat ?? entries[0])?.id as string | undefined;
}

/** What Ollama's `POST /api/show` says about a model. */
export interface OllamaModelDetails {
  /** `num_ctx` set in the model's Modelfile parameters: the window Ollama really allocates. */
  readonly configuredContextTokens?: number;
  /** `<architecture>.context_length` from model_info: the trained maximum. */
  readonly trainedContextTokens?: number;
  /** `capabilities` (`completion`, `tools`, `vision`, ...) on recent Ollama versions. */
  readonly capabilities?: readonly string[];
}

/** Reads an /api/show body. */
export function ollamaModelDetails(body: JsonValue): OllamaModelDetails {
  if (!isRecord(body)) return {};
  const parameters = typeof body.parameters === 'string' ? body.parameters : '';
  const numberInParameters = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(parameters);
  const info = isRecord(body.model_info) ? body.model_info : {};
  const trainedKey = Object.keys(info)
    .sort()
    .find((key) => key.endsWith('.context_length'));
  const trained = trainedKey ? positive(info[trainedKey]) : undefined;
  const capabilities = Array.isArray(body.capabilities) ? body.capabilities.filter((item): item is string => typeof item === 'string') : undefined;
  return {
    ...(numberInParameters ? { configuredContextTokens: Number(numberInParameters[1]) } : {}),
    ...(trained !== undefined ? { trainedContextTokens: trained } : {}),
    ...(capabilities ? { capabilities } : {}),
  };
}

function listEntries(body: JsonValue): Record<string, JsonValue>[] {
  if (!isRecord(body) || !Array.isArray(body.data)) return [];
  return body.data.filter(isRecord);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
