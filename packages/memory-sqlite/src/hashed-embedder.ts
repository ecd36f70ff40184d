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
/** Texts of ASCII characters only, which NFKC leaves unchanged. */
const asciiPattern = /^[\x00-\x7f]*$/;
/** Whether a lower-cased ASCII character code belongs to a word (a digit or a letter). */
const isAsciiWordCode = (code: number) => (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
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
    // NFKC leaves ASCII as it is, and ASCII words are runs of [0-9a-z] once lower-cased: read them
    // with a loop rather than the Unicode pattern (the same words, in the same order).
    const ascii = asciiPattern.test(text);
    const normalised = (ascii ? text : text.normalize('NFKC')).toLowerCase();
    let words = 0;
    if (ascii) {
      for (let index = 0; index < normalised.length; ) {
        if (!isAsciiWordCode(normalised.charCodeAt(index))) {
          index += 1;
          continue;
        }
        const start = index;
        while (index < normalised.length && isAsciiWordCode(normalised.charCodeAt(index))) index += 1;
        this.#addWord(vector, normalised, start, index);
        words += 1;
      }
    } else {
      for (const match of normalised.matchAll(wordPattern)) {
        this.#addWord(vector, normalised, match.index, match.index + match[0].length);
        words += 1;
      }
    }
    if (words === 0) {
      const trimmed = normalised.trim();
      if (trimmed.length > 0) this.#addWord(vector, trimmed, 0, trimmed.length);
    }
    let squares = 0;
    for (let index = 0; index < vector.length; index++) squares += vector[index]! * vector[index]!;
    if (squares > 0) {
      const scale = 1 / Math.sqrt(squares);
      for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
    }
    return vector;
  }

  /** Adds the features of the word `source[start, end)`: the word itself and the n-grams of `<word>`. */
  #addWord(vector: Float32Array, source: string, start: number, end: number): void {
    let hash = wordSeed;
    for (let index = start; index < end; index++) hash = Math.imul(hash ^ source.charCodeAt(index), 0x01000193);
    this.#addFeature(vector, hash, wordWeight);
    // n-grams of `<word>`: the FNV-1a state after n characters from `first` is the n-gram's hash.
    const length = end - start + 2;
    for (let first = 0; first + smallestGram <= length; first++) {
      let gram = gramSeed;
      for (let size = 1; size <= largestGram && first + size <= length; size++) {
        const position = first + size - 1;
        const unit = position === 0 ? 0x3c : position === length - 1 ? 0x3e : source.charCodeAt(start + position - 1);
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
