// Real llama.cpp embeddings on the tiny random-weight GGUF the testkit writes: dimension, determinism,
// distinct texts, order, contexts in parallel, empty and overlong texts, errors. The vectors mean nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ModelBackendError } from '@worldloop/spec';
import { writeTinyGguf } from '@worldloop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaCppEmbedder } from './llama-cpp-embedder.js';

const directory = mkdtempSync(join(tmpdir(), 'worldloop-llama-cpp-embedder-'));
const modelPath = join(directory, 'tiny.gguf');
let embedder: LlamaCppEmbedder;

beforeAll(async () => {
  await writeTinyGguf(modelPath, { seed: 7 });
  embedder = await LlamaCppEmbedder.load({ modelPath, gpu: false, threads: 1, contextTokens: 256, logLevel: 'error' });
});

afterAll(async () => {
  await embedder?.close();
  rmSync(directory, { recursive: true, force: true });
});

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftSquares += left[index]! ** 2;
    rightSquares += right[index]! ** 2;
  }
  return dot / Math.sqrt(leftSquares * rightSquares);
}

describe('LlamaCppEmbedder', () => {
  it('reports the model’s width as its dimension, the file as its id, and how it pools', () => {
    expect(embedder.dimension).toBe(256);
    expect(embedder.id).toBe('gguf:tiny.gguf');
    // The tiny llama file declares no pooling type: the vector is the last token's hidden state.
    expect(embedder.pooling).toBe('last-token-state');
    expect(embedder.contextTokens).toBe(256);
  });

  it('embeds each text into one finite vector of that dimension, in input order', async () => {
    const texts = ['the red key', 'a locked blue door', 'go north twice'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(256);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(vector.some((value) => value !== 0)).toBe(true);
    }
    for (const [index, text] of texts.entries()) expect((await embedder.embed([text]))[0]).toEqual(vectors[index]);
  });

  it('is deterministic: the same text gives the same vector, in one call and across calls', async () => {
    const [first, second] = await embedder.embed(['pick up the key', 'pick up the key']);
    expect(second).toEqual(first);
    expect((await embedder.embed(['pick up the key']))[0]).toEqual(first);
  });

  it('gives different texts different vectors', async () => {
    const [key, door, keys] = await embedder.embed(['the red key', 'a locked blue door', 'the red keys']);
    expect(cosine(key!, door!)).toBeLessThan(0.999);
    expect(cosine(key!, keys!)).toBeLessThan(0.999);
    expect(key).not.toEqual(door);
  });

  it('gives empty and white-space texts a vector of zeros, and nothing for no texts', async () => {
    const [empty, text, blank] = await embedder.embed(['', 'a key', ' \n ']);
    expect(empty).toEqual(new Float32Array(256));
    expect(blank).toEqual(new Float32Array(256));
    expect(text!.some((value) => value !== 0)).toBe(true);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('refuses a text longer than its context with a ModelBackendError naming its position and length', async () => {
    const long = 'x'.repeat(400);
    expect(embedder.countTokens(long)).toBeGreaterThan(256);
    const error = await embedder.embed(['short', long]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as ModelBackendError).details).toMatchObject({ position: 1, contextTokens: 256 });
    expect((error as Error).message).toMatch(/^Text 1 is \d+ tokens; gguf:tiny\.gguf embeds at most 255\. Shorten it, or load the embedder with a larger contextTokens/);
  });

  it('holds to the contextTokens it was given when llama.cpp pads the context beyond it', async () => {
    // llama.cpp rounds a context up to a multiple of 256 tokens: 100 asked for gives room for 255.
    const small = await LlamaCppEmbedder.load({ modelPath, gpu: false, threads: 1, contextTokens: 100, logLevel: 'error' });
    try {
      expect(small.contextTokens).toBe(100);
      const text = 'x'.repeat(150);
      expect(small.countTokens(text)).toBeGreaterThan(100);
      expect(small.countTokens(text)).toBeLessThan(256);
      const error = await small.embed(['fits', text]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ModelBackendError);
      expect((error as Error).message).toMatch(/^Text 1 is \d+ tokens; gguf:tiny\.gguf embeds at most 99\./);
      expect((await small.embed(['fits']))[0]).toHaveLength(256);
    } finally {
      await small.close();
    }
  });

  it('spreads texts over several contexts and gives the same vectors as one context', async () => {
    const parallel = await LlamaCppEmbedder.load({ modelPath, gpu: false, threads: 1, contextTokens: 256, contexts: 2, id: 'tiny/two-contexts', logLevel: 'error' });
    try {
      const texts = ['one', 'two', 'three', 'four', 'five'];
      const [together, alone] = await Promise.all([parallel.embed(texts), embedder.embed(texts)]);
      expect(together).toEqual(alone);
      expect(parallel.id).toBe('tiny/two-contexts');
    } finally {
      await parallel.close();
    }
  });

  it('follows the file’s width', async () => {
    const narrowPath = join(directory, 'narrow.gguf');
    await writeTinyGguf(narrowPath, { seed: 3, embeddingLength: 64, layers: 1, heads: 2, feedForwardLength: 128 });
    const narrow = await LlamaCppEmbedder.load({ modelPath: narrowPath, gpu: false, threads: 1, contextTokens: 64, logLevel: 'error' });
    try {
      expect(narrow.dimension).toBe(64);
      expect((await narrow.embed(['a door']))[0]).toHaveLength(64);
    } finally {
      await narrow.close();
    }
  });

  it('refuses bad options and missing files with a ConfigError, and use after close', async () => {
    await expect(LlamaCppEmbedder.load({ modelPath, contexts: 0 })).rejects.toThrow(/LlamaCppEmbedder option contexts must be a positive integer, got 0/);
    await expect(LlamaCppEmbedder.load({ modelPath, threads: 1.5 })).rejects.toThrow(ConfigError);
    await expect(LlamaCppEmbedder.load({ modelPath: join(directory, 'missing.gguf') })).rejects.toThrow(ConfigError);
    await expect(embedder.embed([3 as unknown as string])).rejects.toThrow(/embed takes a list of strings/);
    const closing = await LlamaCppEmbedder.load({ modelPath, gpu: false, threads: 1, contextTokens: 64 });
    // A second close() while the first is still freeing resolves only once they are freed.
    let firstClosed = false;
    const first = closing.close().then(() => (firstClosed = true));
    await closing.close();
    expect(firstClosed).toBe(true);
    await first;
    await closing.close();
    await expect(closing.embed(['a'])).rejects.toThrow(/is closed/);
  });
});
