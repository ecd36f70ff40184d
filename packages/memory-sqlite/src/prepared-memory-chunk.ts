// A slice of a write batch made ready for SQL: column arrays, the embeddings as stored (half floats)
// and their hyperplane codes in one buffer each, so that it can be handed to a writer thread (the two
// buffers are transferred, not copied) and inserted there without any vector arithmetic.
import type { MemoryKind } from '@worldloop/spec';
import type { CheckedNewMemory } from './checked-new-memory.js';
import { hyperplaneCodeBits, writeHyperplaneCode } from './hyperplane-code.js';
import { storedEmbeddingBytes, writeStoredEmbedding } from './stored-embedding.js';

/** Memories of a batch as columns (index i of every array is the chunk's i-th memory). */
export interface PreparedMemoryChunk {
  /** Position of the chunk's first memory in its batch (for error messages). */
  readonly offset: number;
  readonly kinds: readonly MemoryKind[];
  readonly texts: readonly string[];
  readonly payloads: readonly (string | null)[];
  readonly importances: readonly number[];
  readonly namespaces: readonly string[];
  /** Whole ms since the epoch, as the records returned will say. */
  readonly createdAts: readonly number[];
  readonly runIds: readonly (number | null)[];
  readonly episodeIds: readonly (number | null)[];
  readonly stepIndexes: readonly (number | null)[];
  /** Ids each memory links to, in order. */
  readonly links: readonly (readonly number[])[];
  /** `storedEmbeddingBytes(dimension)` bytes per memory: the unit embedding as binary16. */
  readonly embeddings: Uint8Array;
  /** `hyperplaneCodeBits(dimension) / 8` bytes per memory: the vector index's code. */
  readonly codes: Uint8Array;
}

/**
 * Prepares memories `start` to `end` (exclusive) of a checked batch whose unit vectors are
 * `vectors`; memories without `createdAt` get `createdAt` (the write's clock reading).
 */
export function prepareMemoryChunk(memories: readonly CheckedNewMemory[], vectors: readonly Float32Array[], start: number, end: number, createdAt: number): PreparedMemoryChunk {
  const count = end - start;
  const dimension = vectors[start]?.length ?? 0;
  const embeddingBytes = storedEmbeddingBytes(dimension);
  const codeBytes = hyperplaneCodeBits(dimension) / 8;
  // Plain ArrayBuffers (not Buffer's shared pool), so that they can be transferred to a thread.
  const embeddings = Buffer.from(new ArrayBuffer(count * embeddingBytes));
  const codes = new Uint8Array(count * codeBytes);
  const chunk = {
    offset: start,
    kinds: new Array<MemoryKind>(count),
    texts: new Array<string>(count),
    payloads: new Array<string | null>(count),
    importances: new Array<number>(count),
    namespaces: new Array<string>(count),
    createdAts: new Array<number>(count),
    runIds: new Array<number | null>(count),
    episodeIds: new Array<number | null>(count),
    stepIndexes: new Array<number | null>(count),
    links: new Array<readonly number[]>(count),
    embeddings: new Uint8Array(embeddings.buffer),
    codes,
  };
  for (let index = 0; index < count; index++) {
    const memory = memories[start + index]!;
    const vector = vectors[start + index]!;
    chunk.kinds[index] = memory.kind;
    chunk.texts[index] = memory.text;
    chunk.payloads[index] = memory.payload;
    chunk.importances[index] = memory.importance;
    chunk.namespaces[index] = memory.namespace;
    chunk.createdAts[index] = memory.createdAt ?? createdAt;
    chunk.runIds[index] = memory.runId;
    chunk.episodeIds[index] = memory.episodeId;
    chunk.stepIndexes[index] = memory.stepIndex;
    chunk.links[index] = memory.links;
    writeStoredEmbedding(vector, embeddings, index * embeddingBytes);
    writeHyperplaneCode(vector, codes, index * codeBytes);
  }
  return chunk;
}

/** The buffers of a chunk that a thread can take over (transfer list of `postMessage`). */
export function chunkTransferables(chunk: PreparedMemoryChunk): ArrayBuffer[] {
  return [chunk.embeddings.buffer as ArrayBuffer, chunk.codes.buffer as ArrayBuffer];
}
