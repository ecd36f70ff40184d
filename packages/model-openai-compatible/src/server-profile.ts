// What each OpenAI-compatible server accepts beyond the OpenAI chat API, checked against its source
// (see src/fixtures/README.md). The request builder reads this table; nothing else branches on the kind.

/** The servers this client knows; `generic` is any other OpenAI-compatible endpoint. */
export type ServerKind = 'vllm' | 'sglang' | 'llama-cpp' | 'ollama' | 'lmstudio' | 'generic';

/** Known behaviour of one server kind. */
export interface ServerProfile {
  readonly kind: ServerKind;
  /** Name for messages (`vLLM`, `llama-server`, ...). */
  readonly displayName: string;
  /** The `provider` a model on this server reports. */
  readonly provider: string;
  /** Whether a top-level `top_k` is read (Ollama's /v1 drops it: its request struct has no such field). */
  readonly acceptsTopK: boolean;
  /** Whether `tool_choice` is read (Ollama's /v1 has no such field; tools are always `auto`). */
  readonly acceptsToolChoice: boolean;
  /** Whether `image_url` may be a remote URL (Ollama's /v1 takes only base64 data URLs). */
  readonly acceptsRemoteImageUrls: boolean;
  /** Whether `logprobs` are returned on chat completions. */
  readonly reportsLogprobs: boolean;
  /** How to start the server, for connection errors. */
  readonly startHint: string;
}

const profiles: Readonly<Record<ServerKind, ServerProfile>> = {
  vllm: {
    kind: 'vllm',
    displayName: 'vLLM',
    provider: 'vllm',
    acceptsTopK: true,
    acceptsToolChoice: true,
    acceptsRemoteImageUrls: true,
    reportsLogprobs: true,
    startHint: 'vllm serve <model> --port 8000 --enable-auto-tool-choice --tool-call-parser hermes',
  },
  sglang: {
    kind: 'sglang',
    displayName: 'SGLang',
    provider: 'sglang',
    acceptsTopK: true,
    acceptsToolChoice: true,
    acceptsRemoteImageUrls: true,
    reportsLogprobs: true,
    startHint: 'python -m sglang.launch_server --model-path <model> --port 30000 --tool-call-parser qwen25',
  },
  'llama-cpp': {
    kind: 'llama-cpp',
    displayName: 'llama-server',
    provider: 'llama-cpp',
    acceptsTopK: true,
    acceptsToolChoice: true,
    acceptsRemoteImageUrls: true,
    reportsLogprobs: true,
    startHint: 'llama-server -m <model.gguf> --port 8080 --jinja',
  },
  ollama: {
    kind: 'ollama',
    displayName: 'Ollama',
    provider: 'ollama',
    acceptsTopK: false,
    acceptsToolChoice: false,
    acceptsRemoteImageUrls: false,
    reportsLogprobs: false,
    startHint: 'ollama serve (then: ollama pull <model>)',
  },
  lmstudio: {
    kind: 'lmstudio',
    displayName: 'LM Studio',
    provider: 'lmstudio',
    acceptsTopK: true,
    acceptsToolChoice: true,
    acceptsRemoteImageUrls: true,
    reportsLogprobs: false,
    startHint: 'lms server start (and load a model: lms load <model>)',
  },
  generic: {
    kind: 'generic',
    displayName: 'an OpenAI-compatible server',
    provider: 'openai-compatible',
    acceptsTopK: true,
    acceptsToolChoice: true,
    acceptsRemoteImageUrls: true,
    reportsLogprobs: false,
    startHint:
      'one of: vllm serve <model> --port 8000 | llama-server -m <model.gguf> --port 8080 --jinja | ollama serve | lms server start',
  },
};

/** The server kinds, for validation and documentation. */
export const serverKinds: readonly ServerKind[] = Object.keys(profiles) as ServerKind[];

/** The profile of a server kind. */
export function serverProfile(kind: ServerKind): ServerProfile {
  return profiles[kind];
}
