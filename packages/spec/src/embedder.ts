// The embedding contract: turns texts into fixed-length vectors for a memory store's vector search.
// A store records the embedder's id and dimension at first use and refuses another (no silent mixing).

/**
 * Turns texts into vectors of one fixed length. Implementations: the built-in hashed n-gram
 * embedder (`HashedEmbedder` in `@worldloop/memory-sqlite`, lexical, no model), an
 * OpenAI-compatible `/v1/embeddings` client, a GGUF embedding model in process.
 *
 * Vectors of one embedder are only comparable with vectors of the same embedder: a store keeps
 * `id` and `dimension` with its data and refuses an embedder whose `id` or `dimension` differs.
 */
export interface Embedder {
  /**
   * Stable name of the embedding function, model and settings included
   * (`worldloop/hashed-ngram-v1`, `nomic-embed-text-v1.5`); not the server's address.
   * Change it whenever the same text would embed differently.
   */
  readonly id: string;
  /** Length of every vector `embed` returns. */
  readonly dimension: number;
  /**
   * One vector per text, in order, each of length `dimension`. Stores normalise vectors to unit
   * length, so the scale does not matter; a vector of zeros cannot be compared and is refused.
   */
  embed(texts: readonly string[]): Promise<readonly Float32Array[]>;
}
