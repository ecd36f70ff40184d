// Parses the `--model` flag into a backend choice and opens the backend. In-process llama.cpp is
// imported only when asked for, so commands that use a server never load node-llama-cpp.
import { resolve } from 'node:path';
import { ConfigError, type LanguageModel } from '@worldloop/spec';

/** Server kinds an `openai-compatible` spec can name by prefix. */
const SERVER_PREFIXES = ['vllm', 'sglang', 'llama-server', 'ollama', 'lmstudio'] as const;

/** A parsed `--model` value. */
export type ModelSpec =
  | {
      readonly backend: 'openai-compatible';
      readonly baseUrl: string;
      /** Model id after `#`; discovered from `/models` when absent. */
      readonly model?: string;
      /** The server, when the spec named it (`vllm:`, `ollama:`, ...). */
      readonly server?: 'vllm' | 'sglang' | 'llama-cpp' | 'ollama' | 'lmstudio';
    }
  | { readonly backend: 'llama-cpp'; readonly path: string };

const USAGE =
  'Use openai-compatible:<url>[#model] (or vllm:, sglang:, llama-server:, ollama:, lmstudio: with a URL), ' +
  'e.g. openai-compatible:http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct, or llama-cpp:<file.gguf>.';

/** Parses `--model`; a malformed spec is a `ConfigError` that shows the accepted forms. */
export function parseModelSpec(text: string): ModelSpec {
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? text.slice(0, colon) : '';
  const rest = colon > 0 ? text.slice(colon + 1) : '';
  if (prefix === 'llama-cpp') {
    if (rest.trim() === '') throw new ConfigError(`--model ${JSON.stringify(text)} names no GGUF file. ${USAGE}`);
    return { backend: 'llama-cpp', path: rest };
  }
  const serverPrefix = (SERVER_PREFIXES as readonly string[]).includes(prefix) ? prefix : undefined;
  if (prefix !== 'openai-compatible' && serverPrefix === undefined) {
    throw new ConfigError(`--model ${JSON.stringify(text)} has no known backend prefix. ${USAGE}`);
  }
  const hash = rest.indexOf('#');
  const url = hash >= 0 ? rest.slice(0, hash) : rest;
  const model = hash >= 0 ? rest.slice(hash + 1) : '';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--model ${JSON.stringify(text)}: ${JSON.stringify(url)} is not a URL. ${USAGE}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`--model ${JSON.stringify(text)}: the server URL must be http or https. ${USAGE}`);
  }
  const server = serverPrefix === undefined ? undefined : serverPrefix === 'llama-server' ? 'llama-cpp' : (serverPrefix as 'vllm' | 'sglang' | 'ollama' | 'lmstudio');
  return { backend: 'openai-compatible', baseUrl: url.replace(/\/+$/, ''), ...(model ? { model } : {}), ...(server ? { server } : {}) };
}

/** A backend opened from a spec, with a way to release it. */
export interface OpenedModel {
  readonly model: LanguageModel;
  close(): Promise<void>;
}

/** Options for opening a backend. */
export interface OpenModelOptions {
  /** Requests in flight at once (episodes in flight): llama.cpp sequences, HTTP concurrency. */
  readonly parallelism: number;
  /** CPU threads for in-process inference (node-llama-cpp's default when absent). */
  readonly threads?: number;
  /** Context window per sequence for in-process inference (the model's, at most 4,096, when absent). */
  readonly contextTokens?: number;
  /** Directory a relative GGUF path is resolved against (the CLI's working directory, as for --db). */
  readonly cwd: string;
}

/** Opens the backend a spec names: probes an HTTP server, or loads a GGUF file in process. */
export async function openModel(spec: ModelSpec, options: OpenModelOptions): Promise<OpenedModel> {
  if (spec.backend === 'llama-cpp') {
    let module: typeof import('@worldloop/model-llama-cpp');
    try {
      module = await import('@worldloop/model-llama-cpp');
    } catch (error) {
      throw new ConfigError('In-process GGUF models need @worldloop/model-llama-cpp (and node-llama-cpp); install it next to @worldloop/cli.', { cause: error });
    }
    const model = await module.LlamaCppModel.load({
      modelPath: resolve(options.cwd, spec.path),
      sequences: options.parallelism,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.contextTokens !== undefined ? { contextTokens: options.contextTokens } : {}),
    });
    return { model, close: () => model.close() };
  }
  const { OpenAICompatibleModel } = await import('@worldloop/model-openai-compatible');
  const model = await OpenAICompatibleModel.connect({
    baseUrl: spec.baseUrl,
    ...(spec.model ? { model: spec.model } : {}),
    ...(spec.server ? { server: spec.server } : {}),
    maxConcurrency: options.parallelism,
    ...(process.env.WORLDLOOP_API_KEY ? { apiKey: process.env.WORLDLOOP_API_KEY } : {}),
  });
  return { model, close: async () => {} };
}
