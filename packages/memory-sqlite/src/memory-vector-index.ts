// The vector index: a sqlite-vec vec0 table of binary hyperplane codes, partitioned by namespace, with
// kind, created_at and episode_id as metadata so filters apply during the KNN scan. Candidates it
// returns are approximate: the store rescores them with the exact float vectors it keeps. Scans are
// bounded by distances estimated from an in-memory sample of the index, with an unbounded rerun.
import type Database from 'better-sqlite3';
import { ConfigError, type Embedder, type MemoryKind } from '@worldloop/spec';
import { memoryKindCodes } from './checked-new-memory.js';
import { CodeSample, type SampleSource } from './code-sample.js';
import { hyperplaneCode, hyperplaneCodeBits, writeHyperplaneCode } from './hyperplane-code.js';
import { appendFilterConditions } from './filter-conditions.js';
import { MultiRowInsert } from './multi-row-insert.js';
import { readStoredEmbedding } from './stored-embedding.js';

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
export const vectorCode = 'hyperplane-v2';
/** Earlier codes this version rebuilds from the stored embeddings at open (the index is derived data). */
const rebuiltCodes: ReadonlySet<string> = new Set(['hyperplane-v1']);
/** Memories read per query while rebuilding the index. */
const rebuildPage = 4096;
/** sqlite-vec's largest k. */
const largestK = 4096;

/**
 * Opens the vector index of a store, creating it on first use with the embedder's dimension and
 * recording the embedder's id and dimension in `memory_settings`. On later opens, checks that the
 * embedder is the same one; throws ConfigError naming both embedders and what to do otherwise.
 * An index of an earlier code (`hyperplane-v1`) is rebuilt from the stored embeddings, once, inside
 * the opening transaction (about 5 s per 100,000 memories on the 2-core machine; other connections
 * wait meanwhile, up to their busy timeout); an index of an unknown code (a newer version's) is
 * refused with a ConfigError.
 */
export class MemoryVectorIndex {
  readonly dimension: number;
  readonly #database: Database.Database;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #sample: CodeSample;
  readonly #lastMemoryId: Database.Statement;

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
          createIndexTable(database, embedder.dimension);
          return;
        }
        if (Number(storedDimension) !== embedder.dimension) {
          throw new ConfigError(
            `Memory store ${location} holds ${storedDimension}-dimension embeddings (embedder "${storedId}"), but the embedder given ("${embedder.id}") makes ${embedder.dimension}-dimension ones; vectors of different lengths cannot be compared. Open the store with a ${storedDimension}-dimension "${storedId}" embedder, or use a new file for the new one.`,
            { details: { path: location, storedEmbedder: storedId, storedDimension: Number(storedDimension), embedder: embedder.id, dimension: embedder.dimension } },
          );
        }
        if (rebuiltCodes.has(settings.get('vector_code') ?? '')) {
          rebuildIndex(database, embedder.dimension);
          database.prepare("UPDATE memory_settings SET value = ? WHERE key = 'vector_code'").run(vectorCode);
        } else if (settings.get('vector_code') !== vectorCode) {
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
    this.#sample = new CodeSample(database.prepare('SELECT namespace_id, kind, created_at, episode_id, code FROM memory_vector_index WHERE memory_id = ?') as SampleSource);
    this.#lastMemoryId = database.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'memories'").pluck();
  }

  /**
   * Ids of the (about) `count` memories nearest to `vector` by hamming distance of their codes,
   * among those that pass `filters`; nearest first, at most `count` per namespace searched.
   *
   * sqlite-vec's top-k costs grow with rows × k, unless a `distance <= bound` constraint drops most
   * rows before they reach the top-k heap. Each scan's bounds come from the query's distances to a
   * sample of the index within the same filters (see `CodeSample`): first one that lets about
   * 4 × k rows through, then 16 × k. A bounded scan that finds fewer than k rows is repeated with
   * the next bound, then without one, so results are those of an unbounded scan.
   */
  nearest(vector: Float32Array, count: number, filters: VectorFilters): number[] {
    const k = Math.min(count, largestK);
    const queryCode = hyperplaneCode(vector);
    const conditions = ['code MATCH vec_bit(?)', 'k = ?'];
    const parameters: unknown[] = [queryCode, k];
    // vec0 compares an integer column with a parameter's integer part: `created_at < 2000.5` would
    // drop 2000. created_at is whole ms, so the next whole ms bounds the same memories exactly.
    const since = filters.since === undefined ? undefined : Math.ceil(filters.since);
    const until = filters.until === undefined ? undefined : Math.ceil(filters.until);
    appendFilterConditions({ ...filters, kinds: filters.kindCodes, since, until }, '', conditions, parameters);
    this.#sample.update((this.#lastMemoryId.get() as number | undefined) ?? 0);
    // The bound and the namespace are appended last, per scan.
    const unbounded = this.#statement(conditions, filters.namespaceIds !== undefined, false);
    const bounded = this.#statement(conditions, filters.namespaceIds !== undefined, true);
    const scan = (namespaceId: number | undefined): { id: number; distance: number }[] => {
      const namespace = namespaceId === undefined ? [] : [namespaceId];
      for (const limit of this.#sample.bounds(queryCode, filters, namespaceId, [4 * k, 16 * k])) {
        const rows = bounded.all(...parameters, limit, ...namespace) as { id: number; distance: number }[];
        if (rows.length >= k) return rows;
      }
      return unbounded.all(...parameters, ...namespace) as { id: number; distance: number }[];
    };
    if (filters.namespaceIds === undefined) return scan(undefined).map((row) => row.id);
    const found: { id: number; distance: number }[] = [];
    for (const namespaceId of filters.namespaceIds) found.push(...scan(namespaceId));
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

/** Creates the (empty) vec0 table of codes for embeddings of `dimension`. */
function createIndexTable(database: Database.Database, dimension: number): void {
  database.exec(`
    CREATE VIRTUAL TABLE memory_vector_index USING vec0 (
      memory_id INTEGER PRIMARY KEY,
      namespace_id INTEGER PARTITION KEY,
      kind INTEGER,
      created_at INTEGER,
      episode_id INTEGER,
      code BIT[${hyperplaneCodeBits(dimension)}]
    )
  `);
}

/** The multi-row INSERT of index rows (memory_id, namespace_id, kind, created_at, episode_id, code), for `insertVectorIndexRows`. */
export function prepareVectorIndexInsert(database: Database.Database): MultiRowInsert {
  const integer = 'CAST(? AS INTEGER)';
  return new MultiRowInsert(database, 'INSERT INTO memory_vector_index (memory_id, namespace_id, kind, created_at, episode_id, code)', `(${Array(5).fill(integer).join(', ')}, vec_bit(?))`, 6);
}

/**
 * Inserts index rows given as flat values, six per memory: id, namespace id, kind code, created_at,
 * episode id (null for none) and the code's bytes. better-sqlite3 binds every JS number as a float,
 * which vec0 refuses for integer columns: the statement casts them (cheaper than a BigInt per value).
 * vec0 metadata cannot be NULL, so a missing episode is stored as -1.
 */
export function insertVectorIndexRows(insert: MultiRowInsert, values: unknown[]): void {
  for (let episode = 4; episode < values.length; episode += 6) values[episode] ??= noEpisode;
  insert.run(values);
}

/** Replaces the index with one of the current code, computed from every stored embedding (inside the caller's transaction). */
function rebuildIndex(database: Database.Database, dimension: number): void {
  database.exec('DROP TABLE memory_vector_index');
  createIndexTable(database, dimension);
  const insert = prepareVectorIndexInsert(database);
  const page = database.prepare('SELECT id, namespace_id, kind, created_at, episode_id, embedding FROM memories WHERE id > ? ORDER BY id LIMIT ?');
  const codeBytes = hyperplaneCodeBits(dimension) / 8;
  for (let after = 0; ; ) {
    const rows = page.all(after, rebuildPage) as { id: number; namespace_id: number; kind: MemoryKind; created_at: number; episode_id: number | null; embedding: Buffer }[];
    const codes = Buffer.alloc(rows.length * codeBytes);
    const values: unknown[] = [];
    rows.forEach((row, position) => {
      writeHyperplaneCode(readStoredEmbedding(row.embedding, dimension), codes, position * codeBytes);
      values.push(row.id, row.namespace_id, memoryKindCodes.get(row.kind)!, row.created_at, row.episode_id, codes.subarray(position * codeBytes, (position + 1) * codeBytes));
    });
    insertVectorIndexRows(insert, values);
    if (rows.length < rebuildPage) return;
    after = rows[rows.length - 1]!.id;
  }
}
