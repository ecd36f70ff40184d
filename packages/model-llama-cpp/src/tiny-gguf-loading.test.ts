// llama.cpp (through node-llama-cpp, CPU prebuilt, never compiled) loads every weight type and
// shape the testkit's tiny GGUF writer offers and generates from it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyGguf, type TinyGgufOptions } from '@worldloop/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { LlamaCppModel } from './llama-cpp-model.js';

const directory = mkdtempSync(join(tmpdir(), 'worldloop-tiny-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('tiny GGUF files in llama.cpp', () => {
  it.each<[string, TinyGgufOptions]>([
    ['F32', { weightType: 'F32', layers: 2, embeddingLength: 64, heads: 2, feedForwardLength: 128 }],
    ['F16', { weightType: 'F16', layers: 2, embeddingLength: 64, heads: 2, feedForwardLength: 128 }],
    ['Q8_0', { weightType: 'Q8_0', layers: 2, embeddingLength: 64, heads: 2, feedForwardLength: 128 }],
    ['grouped-query attention', { layers: 2, embeddingLength: 128, heads: 8, keyValueHeads: 2, feedForwardLength: 256 }],
    ['no space token', { layers: 1, embeddingLength: 64, heads: 2, feedForwardLength: 64, spaceToken: false }],
  ])('%s loads and generates', async (name, options) => {
    const path = join(directory, `${name.replace(/\W/g, '-')}.gguf`);
    await writeTinyGguf(path, { ...options, contextLength: 512 });
    // The last case leaves threads (cores - 1 on the CPU) and the chat wrapper to their defaults.
    const defaults = name === 'no space token' ? {} : ({ threads: 1, chatWrapper: 'general' } as const);
    const model = await LlamaCppModel.load({ modelPath: path, gpu: false, ...defaults, sequences: 1 });
    try {
      expect(model.capabilities.contextTokens).toBe(512);
      const result = await model.generate({ messages: [{ role: 'user', content: 'Hello there' }], responseSchema: { enum: ['yes', 'no'] }, sampling: { maxTokens: 32 } });
      expect(['"yes"', '"no"']).toContain(result.text);
      expect(result.usage!.promptTokens).toBeGreaterThan(11);
    } finally {
      await model.close();
    }
  });
});
