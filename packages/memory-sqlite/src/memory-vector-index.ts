// The vector index: a sqlite-vec vec0 table of binary hyperplane codes, partitioned by namespace, with
// kind, created_at and episode_id as metadata so filters apply during the KNN scan. Candidates it
// returns are approximate: the store rescores them with the exact float vectors it keeps. Scans are
// bounded by a distance learnt from recent queries (per process, not stored), with an unbounded rerun.
import type Database from 'better-sqlite3';
import { ConfigError, type Embedder } from '@worldloop/spec';
import { hyperplaneCode, hyperplaneCodeBits } from './hyperplane-code.js';

/** Filters the KNN scan applies (namespace ids: one scan per namespace, the partition key). */
export interface VectorFilters {
  /** Namespace ids to search; undefined searches every namespace. */
  readonly namespaceIds: readonly number[] | undefined;
  readonly kindCodes: readonly number[] | undefined;
  readonly episodeId: number | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
}

/** Stored in the episode_id metadata column for memories without an episode (vec0 metadata cannot be NULL). */
const noEpisode = -1;
/** The code in the index (hyperplane-code.ts); recorded, so that a change of code is detected, not mixed. */
const vectorCode = 'hyperplane-v1';
/** sqlite-vec's largest k. */
const largestK = 4096;

/**
 * Opens the vector index of a store, creating it on first use with the embedder's dimension and
 * recording the embedder's id and dimension in `memory_settings`. On later opens, checks that the
 * embedder is the same one; throws ConfigError naming both embedders and what to do otherwise.
 */
export class MemoryVectorIndex {
  readonly dimension: number;
  readonly #database: Database.Database;
  readonly #insert: Database.Statement;
  readonly #queries = new Map<string, Database.Statement>();
  /** Learnt distance bounds, per query shape (conditions and k). */
  readonly #bounds = new Map<string, DistanceBound>();

  constructor(database: Database.Database, embedder: Embedder, location: string) {
    this.#database = database;
    this.dimension = embedder.dimension;
    if (!Number.isSafeInteger(embedder.dimension) || embedder.dimension < 1 || embedder.dimension > 8192) {
      throw new ConfigError(`The embedder "${embedder.id}" has dimension ${String(embedder.dimension)}; the memory store takes whole numbers from 1 to 8192.`, {
        details: { embedder: embedder.id, dimension: embedder.dimension },
      });
    }
    database
      .transaction(() => {
        const settings = new Map(
          (database.prepare("SELECT key, value FROM memory_settings WHERE key IN ('embedder', 'embedding_dimension', 'vector_code')").all() as { key: string; value: string }[]).map(
            ({ key, value }) => [key, value],
          ),
        );
        const storedId = settings.get('embedder');
        const storedDimension = settings.get('embedding_dimension');
        if (storedId === undefined || storedDimension === undefined) {
          const record = database.prepare('INSERT INTO memory_settings (key, value) VALUES (?, ?)');
          record.run('embedder', embedder.id);
          record.run('embedding_dimension', String(embedder.dimension));
          record.run('vector_code', vectorCode);
          database.exec(`
            CREATE VIRTUAL TABLE memory_vector_index USING vec0 (
              memory_id INTEGER PRIMARY KEY,
              namespace_id INTEGER PARTITION KEY,
              kind INTEGER,
              created_at INTEGER,
              episode_id INTEGER,
              code BIT[${hyperplaneCodeBits(embedder.dimension)}]
            )
          `);
          return;
        }
        if (Number(storedDimension) !== embedder.dimension) {
          throw new ConfigError(
            `Memory store ${location} holds ${storedDimension}-dimension embeddings (embedder "${storedId}"), but the embedder given ("${embedder.id}") makes ${embedder.dimension}-dimension ones; vectors of different lengths cannot be compared. Open the store with a ${storedDimension}-dimension "${storedId}" embedder, or use a new file for the new one.`,
            { details: { path: location, storedEmbedder: storedId, storedDimension: Number(storedDimension), embedder: embedder.id, dimension: embedder.dimension } },
          );
        }
        if (settings.get('vector_code') !== vectorCode) {
          throw new ConfigError(
            `Memory store ${location} has a vector index of code "${String(settings.get('vector_code'))}", which this @worldloop/memory-sqlite does not read (it writes "${vectorCode}"); use the version that wrote the file, or a new file.`,
            { details: { path: location, vectorCode: settings.get('vector_code') } },
          );
        }
        if (storedId !== embedder.id) {
          throw new ConfigError(
            `Memory store ${location} holds embeddings made by "${storedId}", but the embedder given is "${embedder.id}"; vectors of different embedders are not comparable even at the same dimension (${embedder.dimension}). Open the store with "${storedId}", or use a new file for "${embedder.id}".`,
            { details: { path: location, storedEmbedder: storedId, storedDimension: Number(storedDimension), embedder: embedder.id, dimension: embedder.dimension } },
          );
        }
      })
      .immediate();
    this.#insert = database.prepare(
      'INSERT INTO memory_vector_index (memory_id, namespace_id, kind, created_at, episode_id, code) VALUES (?, ?, ?, ?, ?, vec_bit(?))',
    );
  }

  /** Adds a memory's code (inside the caller's transaction). `vector` is the unit-length embedding. */
  add(memoryId: number, namespaceId: number, kindCode: number, createdAt: number, episodeId: number | null, vector: Float32Array): void {
    this.#insert.run(BigInt(memoryId), BigInt(namespaceId), BigInt(kindCode), BigInt(createdAt), BigInt(episodeId ?? noEpisode), hyperplaneCode(vector));
  }

  /**
   * Ids of the (about) `count` memories nearest to `vector` by hamming distance of their codes,
   * among those that pass `filters`; nearest first, at most `count` per namespace searched.
   *
   * sqlite-vec's top-k costs grow with rows × k, unless a `distance <= bound` constraint drops most
   * rows before they reach the top-k heap. The bounds are learnt from the k-th distances of recent
   * queries of the same shape (filters and k): their largest (see `DistanceBound`). A bounded scan
   * that finds fewer than k rows is repeated without the bound, so results are those of an
   * unbounded scan.
   */
  nearest(vector: Float32Array, count: number, filters: VectorFilters): number[] {
    const k = Math.min(count, largestK);
    const conditions = ['code MATCH vec_bit(?)', 'k = ?'];
    const parameters: unknown[] = [hyperplaneCode(vector), k];
    if (filters.kindCodes !== undefined) {
      conditions.push(`kind IN (${filters.kindCodes.map(() => '?').join(', ')})`);
      parameters.push(...filters.kindCodes);
    }
    if (filters.episodeId !== undefined) {
      conditions.push('episode_id = ?');
      parameters.push(filters.episodeId);
    }
    if (filters.since !== undefined) {
      conditions.push('created_at >= ?');
      parameters.push(filters.since);
    }
    if (filters.until !== undefined) {
      conditions.push('created_at < ?');
      parameters.push(filters.until);
    }
    // Last, so that the bound and the namespace can be appended per scan.
    const shape = `${conditions.join(' AND ')}${filters.namespaceIds === undefined ? '' : ' AND namespace_id = ?'} #${k}`;
    const bound = this.#bounds.get(shape) ?? new DistanceBound();
    this.#bounds.set(shape, bound);
    const unbounded = this.#statement(conditions, filters.namespaceIds !== undefined, false);
    const bounded = this.#statement(conditions, filters.namespaceIds !== undefined, true);
    const scan = (namespace: number[]): { id: number; distance: number }[] => {
      for (const limit of bound.ladder()) {
        const rows = bounded.all(...parameters, limit, ...namespace) as { id: number; distance: number }[];
        if (rows.length >= k) {
          bound.record(rows[rows.length - 1]!.distance);
          return rows;
        }
      }
      const rows = unbounded.all(...parameters, ...namespace) as { id: number; distance: number }[];
      if (rows.length >= k) bound.record(rows[rows.length - 1]!.distance);
      return rows;
    };
    if (filters.namespaceIds === undefined) return scan([]).map((row) => row.id);
    const found: { id: number; distance: number }[] = [];
    for (const namespaceId of filters.namespaceIds) found.push(...scan([namespaceId]));
    if (filters.namespaceIds.length > 1) found.sort((a, b) => a.distance - b.distance);
    return found.slice(0, k).map((row) => row.id);
  }

  #statement(conditions: readonly string[], perNamespace: boolean, bounded: boolean): Database.Statement {
    const all = [...conditions, ...(bounded ? ['distance <= ?'] : []), ...(perNamespace ? ['namespace_id = ?'] : [])];
    const sql = `SELECT memory_id AS id, distance FROM memory_vector_index WHERE ${all.join(' AND ')}`;
    let statement = this.#queries.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(sql);
      this.#queries.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The distance bound of one query shape: the largest k-th distance of the last 32 queries; none
 * before 8 queries. At 100k memories (1,024-bit codes, k = 120) a scan bounded near the k-th
 * distance costs about 6 ms, a scan bounded 40 bits above it about 8 ms, an unbounded one about
 * 16 ms. A tighter first bound (the median) that fails for half of the queries measured worse at
 * p95: the failed half pays for two scans.
 */
class DistanceBound {
  readonly #recent: number[] = [];
  #next = 0;

  /** The bounds to scan with, ascending; empty when too few queries were seen. */
  ladder(): number[] {
    return this.#recent.length < boundWarmUp ? [] : [Math.max(...this.#recent)];
  }

  /** Records the k-th distance of a query that found k rows. */
  record(distance: number): void {
    if (this.#recent.length < boundHistory) this.#recent.push(distance);
    else this.#recent[this.#next] = distance;
    this.#next = (this.#next + 1) % boundHistory;
  }
}

const boundHistory = 32;
const boundWarmUp = 8;
