// Server detection and model listings read from each server's recorded /models shape.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@worldloop/spec';
import { loadFixture } from './fixtures/replay-server.js';
import { defaultModelId, detectServerKind, ollamaModelDetails, probedModels } from './server-probe.js';

const body = (name: string) => loadFixture(name).body as JsonValue;

describe('detectServerKind', () => {
  it('reads owned_by as each server writes it', () => {
    expect(detectServerKind(body('vllm-models'))).toBe('vllm');
    expect(detectServerKind(body('sglang-models'))).toBe('sglang');
    expect(detectServerKind(body('llama-cpp-models'))).toBe('llama-cpp');
    expect(detectServerKind(body('ollama-models'))).toBe('ollama');
    expect(detectServerKind(body('lmstudio-models'))).toBe('lmstudio');
  });

  it('falls back to the Server header and to Ollama-style tags, else generic', () => {
    const anonymous = { object: 'list', data: [{ id: 'my-model', object: 'model', owned_by: 'me' }] };
    expect(detectServerKind(anonymous, new Headers({ server: 'llama.cpp' }))).toBe('llama-cpp');
    expect(detectServerKind({ data: [{ id: 'hf.co/bartowski/Qwen2.5-7B-GGUF:Q4_K_M', owned_by: 'bartowski' }] })).toBe('ollama');
    expect(detectServerKind(anonymous)).toBe('generic');
    expect(detectServerKind('not a listing')).toBe('generic');
  });
});

describe('probedModels and defaultModelId', () => {
  it('reads context windows and modalities', () => {
    expect(probedModels(body('llama-cpp-models'))).toEqual([
      { id: 'qwen2.5-7b-instruct-q4_k_m.gguf', ownedBy: 'llamacpp', contextTokens: 32768, inputModalities: ['text'] },
    ]);
    const withRuntimeContext = { data: [{ id: 'm', owned_by: 'llamacpp', meta: { n_ctx: 8192, n_ctx_train: 131072 } }] };
    expect(probedModels(withRuntimeContext)[0]!.contextTokens).toBe(8192);
  });

  it('skips embedding models and LoRA children when choosing', () => {
    expect(defaultModelId(body('lmstudio-models'))).toBe('qwen2.5-7b-instruct');
    expect(defaultModelId(body('ollama-models'))).toBe('qwen2.5:7b');
    expect(defaultModelId({ data: [{ id: 'lora-a', parent: 'base' }, { id: 'base', parent: null }] })).toBe('base');
    expect(defaultModelId({ data: [] })).toBeUndefined();
  });
});

describe('ollamaModelDetails', () => {
  it('reads num_ctx, the trained context and capabilities from /api/show', () => {
    expect(ollamaModelDetails(body('ollama-show'))).toEqual({ trainedContextTokens: 32768, capabilities: ['completion', 'tools'] });
    expect(ollamaModelDetails({ parameters: 'stop "<|im_end|>"\nnum_ctx                        16384' })).toEqual({ configuredContextTokens: 16384 });
    expect(ollamaModelDetails(null)).toEqual({});
  });
});
