// Tests of the built-in hashed n-gram embedder: shape, determinism, unit length, and that shared
// spelling means similarity while unrelated words do not.
import { describe, expect, it } from 'vitest';
import { HashedEmbedder } from './hashed-embedder.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
const length = (vector: Float32Array) => Math.sqrt(cosine(vector, vector));

describe('HashedEmbedder', () => {
  const embedder = new HashedEmbedder();

  it('makes unit vectors of the configured dimension, one per text, in order', async () => {
    expect(embedder.dimension).toBe(384);
    const vectors = await embedder.embed(['the red key', 'a blue door', '']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) expect(vector).toHaveLength(384);
    expect(length(vectors[0]!)).toBeCloseTo(1, 6);
    expect(length(vectors[2]!)).toBe(0);
    expect((await new HashedEmbedder({ dimension: 16 }).embed(['x']))[0]).toHaveLength(16);
  });

  it('is deterministic, and ignores case, width and repeated spacing', () => {
    const vector = embedder.embedText('Pick up the RED key');
    expect(Array.from(embedder.embedText('Pick up the RED key'))).toEqual(Array.from(vector));
    expect(cosine(embedder.embedText('pick   up the red key'), vector)).toBeCloseTo(1, 6);
    expect(cosine(embedder.embedText('ｐｉｃｋ up the red key'), vector)).toBeCloseTo(1, 6);
  });

  it('keeps its exact output: stored vectors depend on it (change the id with the hashing)', () => {
    expect(embedder.id).toBe('worldloop/hashed-ngram-v1');
    const vector = Array.from(new HashedEmbedder({ dimension: 16 }).embedText('Red key')).map((value) => Math.round(value * 1e4) / 1e4);
    expect(vector).toEqual([0, -0.25, 0, 0.25, 0, 0.25, 0.25, 0.25, 0, 0, 0.25, 0, 0, 0, 0.75, -0.25]);
  });

  it('reads ASCII texts (a loop) and other texts (a Unicode pattern) into the same words', () => {
    // A no-break space is not ASCII, and NFKC makes it a space: the same words through the other path.
    const words = 'Pick up the RED key, 3 times: key-2!';
    expect(Array.from(embedder.embedText(`${words}\u00a0`))).toEqual(Array.from(embedder.embedText(words)));
    expect(Array.from(embedder.embedText('?!?\u00a0'))).toEqual(Array.from(embedder.embedText('?!?')));
  });

  it('puts texts that share words or spellings closer than unrelated ones', () => {
    const query = embedder.embedText('the red key opens the door');
    const related = embedder.embedText('red keys open doors');
    const unrelated = embedder.embedText('a purple ball rolls in the garden');
    expect(cosine(query, related)).toBeGreaterThan(0.3);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.1);
    // Lexical, not semantic: synonyms are strangers.
    expect(Math.abs(cosine(embedder.embedText('car'), embedder.embedText('automobile')))).toBeLessThan(0.3);
  });

  it('embeds text without letters or digits as one word instead of a zero vector', () => {
    expect(length(embedder.embedText('?!?'))).toBeCloseTo(1, 6);
    expect(cosine(embedder.embedText('?!?'), embedder.embedText('?!?'))).toBeCloseTo(1, 6);
  });
});
