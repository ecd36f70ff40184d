// The built-in embedder: words and their character 3- to 5-grams hashed into a fixed dimension
// (default 384), L2-normalised. Deterministic, fast, no model. Lexical: it knows spelling, not meaning.
import { ConfigError, type Embedder } from '@worldloop/spec';

/** Options of a `HashedEmbedder`. */
export interface HashedEmbedderOptions {
  /** Length of the vectors (default 384, the size of small sentence-embedding models). */
  readonly dimension?: number;
}

/** Dimension of a `HashedEmbedder` when none is given. */
export const defaultHashedEmbeddingDimension = 384;

/** Words: runs of letters, digits and private-use characters, as SQLite's unicode61 tokenizer sees them. */
const wordPattern = /[\p{L}\p{N}\p{Co}]+/gu;
/** A whole word counts as much as this many of its n-grams. */
const wordWeight = 2;
const smallestGram = 3;
const largestGram = 5;
const wordSeed = 0x811c9dc5;
const gramSeed = 0x050c5d1f;

/**
 * An `Embedder` that needs no model: each word of the text (lower-cased, NFKC-normalised) and each
 * character 3-, 4- and 5-gram of the word padded as `<word>` (fastText's subwords) is hashed to one
 * of `dimension` buckets with a hashed sign (the "hashing trick"); the sum is L2-normalised.
 *
 * Texts that share words or spellings get similar vectors (`"red key"` and `"the red keys"`);
 * synonyms do not (`"car"` and `"automobile"` are unrelated). Use a model embedder for meaning.
 * A text without any letter or digit is hashed as one word (`"???"`), so only the empty text
 * gives a vector of zeros. Same text, same dimension → the same vector, on every machine.
 */
export class HashedEmbedder implements Embedder {
  readonly id = 'worldloop/hashed-ngram-v1';
  readonly dimension: number;

  constructor(options: HashedEmbedderOptions = {}) {
    const dimension = options.dimension ?? defaultHashedEmbeddingDimension;
    if (!Number.isSafeInteger(dimension) || dimension < 1 || dimension > 65_536) {
      throw new ConfigError(`HashedEmbedder dimension is ${String(options.dimension)}; use a whole number from 1 to 65536 (default ${defaultHashedEmbeddingDimension}).`, {
        details: { dimension: options.dimension },
      });
    }
    this.dimension = dimension;
  }

  async embed(texts: readonly string[]): Promise<readonly Float32Array[]> {
    return texts.map((text) => this.embedText(text));
  }

  /** The vector of one text, synchronously. */
  embedText(text: string): Float32Array {
    const vector = new Float32Array(this.dimension);
    const normalised = text.normalize('NFKC').toLowerCase();
    let words = 0;
    for (const match of normalised.matchAll(wordPattern)) {
      this.#addWord(vector, match[0]);
      words += 1;
    }
    const trimmed = normalised.trim();
    if (words === 0 && trimmed.length > 0) this.#addWord(vector, trimmed);
    let squares = 0;
    for (const value of vector) squares += value * value;
    if (squares > 0) {
      const scale = 1 / Math.sqrt(squares);
      for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
    }
    return vector;
  }

  #addWord(vector: Float32Array, word: string): void {
    let hash = wordSeed;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
    this.#addFeature(vector, hash, wordWeight);
    // n-grams of `<word>`: the FNV-1a state after n characters from `start` is the n-gram's hash.
    const length = word.length + 2;
    for (let start = 0; start + smallestGram <= length; start++) {
      let gram = gramSeed;
      for (let size = 1; size <= largestGram && start + size <= length; size++) {
        const position = start + size - 1;
        const unit = position === 0 ? 0x3c : position === length - 1 ? 0x3e : word.charCodeAt(position - 1);
        gram = Math.imul(gram ^ unit, 0x01000193);
        if (size >= smallestGram) this.#addFeature(vector, gram, 1);
      }
    }
  }

  /** Adds ±weight at the bucket of `hash`, after mixing it (murmur3's finaliser) so every bit counts. */
  #addFeature(vector: Float32Array, hash: number, weight: number): void {
    let mixed = hash ^ (hash >>> 16);
    mixed = Math.imul(mixed, 0x85ebca6b);
    mixed ^= mixed >>> 13;
    mixed = Math.imul(mixed, 0xc2b2ae35);
    mixed ^= mixed >>> 16;
    const unsigned = mixed >>> 0;
    const bucket = (unsigned >>> 1) % this.dimension;
    vector[bucket]! += unsigned & 1 ? weight : -weight;
  }
}
