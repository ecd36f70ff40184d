// A 1-in-64 sample of the vector index (codes and filter columns), kept in memory and read
// incrementally, from which each query's distance bounds are estimated. Per process, not stored.
import type Database from 'better-sqlite3';
import type { VectorFilters } from './memory-vector-index.js';

/** Sampled memories are those whose id hashes to the top 1/64 (Fibonacci hashing: spread over time and namespaces). */
const sampleShift = 26;
const isSampled = (memoryId: number) => Math.imul(memoryId, 0x9e3779b1) >>> sampleShift === 0;
/** One sampled memory in `1 << (32 - sampleShift)`. */
const sampleRate = 1 / 2 ** (32 - sampleShift);

/** Where rows of the sample come from (the vector index, by memory id). */
export type SampleSource = Database.Statement<[bigint], { namespace_id: number; kind: number; created_at: number; episode_id: number; code: Buffer }>;

/** Popcount of a 32-bit word. */
function bitCount(word: number): number {
  let value = word - ((word >>> 1) & 0x55555555);
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** A code as 32-bit words (little-endian, like the bits of the vec0 `bit[]` it came from). */
function codeWords(code: Buffer): Uint32Array {
  return new Uint32Array(Uint8Array.from(code).buffer);
}

/**
 * About one memory in 64 of the vector index, with the columns filters apply to. A bound `d` such
 * that `m / 64` sampled memories within the query's filters lie at distance ≤ d from the query lets
 * about `m` memories of the index pass a `distance <= d` constraint: sqlite-vec's top-k costs grow
 * with the rows that pass, so a bound a few times above the k-th distance saves most of a scan.
 * The estimate is statistical: a bounded scan that finds fewer than k rows must be repeated with
 * the next bound, then without one (see `MemoryVectorIndex.nearest`).
 */
export class CodeSample {
  readonly #source: SampleSource;
  readonly #namespaceIds: number[] = [];
  readonly #kinds: number[] = [];
  readonly #createdAt: number[] = [];
  readonly #episodeIds: number[] = [];
  readonly #codes: Uint32Array[] = [];
  /** Memory ids up to this one were considered. */
  #through = 0;

  constructor(source: SampleSource) {
    this.#source = source;
  }

  /** Adds the sampled memories with ids in (last id seen, `lastMemoryId`]; reads about one row in 64 of them. */
  update(lastMemoryId: number): void {
    for (let memoryId = this.#through + 1; memoryId <= lastMemoryId; memoryId++) {
      if (!isSampled(memoryId)) continue;
      const row = this.#source.get(BigInt(memoryId));
      if (row === undefined) continue;
      this.#namespaceIds.push(row.namespace_id);
      this.#kinds.push(row.kind);
      this.#createdAt.push(row.created_at);
      this.#episodeIds.push(row.episode_id);
      this.#codes.push(codeWords(row.code));
    }
    this.#through = Math.max(this.#through, lastMemoryId);
  }

  /**
   * Distance bounds for a query, ascending: for each of `passing` (memories the bound should let
   * through), the smallest distance within which the sample holds `passing × rate` memories that
   * pass `filters` (and lie in `namespaceId`, when given). Stops at the first target the sample
   * cannot reach: the scan after the last bound is unbounded.
   */
  bounds(queryCode: Buffer, filters: VectorFilters, namespaceId: number | undefined, passing: readonly number[]): number[] {
    const query = codeWords(queryCode);
    const histogram = new Int32Array(query.length * 32 + 1);
    let inScope = 0;
    for (let index = 0; index < this.#codes.length; index++) {
      if (namespaceId !== undefined ? this.#namespaceIds[index] !== namespaceId : filters.namespaceIds !== undefined && !filters.namespaceIds.includes(this.#namespaceIds[index]!)) continue;
      if (filters.kindCodes !== undefined && !filters.kindCodes.includes(this.#kinds[index]!)) continue;
      if (filters.episodeId !== undefined && this.#episodeIds[index] !== filters.episodeId) continue;
      if (filters.since !== undefined && this.#createdAt[index]! < filters.since) continue;
      if (filters.until !== undefined && this.#createdAt[index]! >= filters.until) continue;
      const code = this.#codes[index]!;
      let distance = 0;
      for (let word = 0; word < query.length; word++) distance += bitCount((code[word]! ^ query[word]!) >>> 0);
      histogram[distance]! += 1;
      inScope += 1;
    }
    const bounds: number[] = [];
    for (const target of passing) {
      const rank = Math.ceil(target * sampleRate);
      if (rank > inScope) break;
      let distance = 0;
      for (let seen = histogram[0]!; seen < rank; ) seen += histogram[++distance]!;
      if (bounds.length === 0 || distance > bounds[bounds.length - 1]!) bounds.push(distance);
    }
    return bounds;
  }
}
