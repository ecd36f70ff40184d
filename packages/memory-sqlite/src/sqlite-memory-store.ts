// MemoryStore on one SQLite file (better-sqlite3): WAL, synchronous=NORMAL, busy_timeout 5000 ms, a 2 GiB
// memory map. Recall unions FTS5 bm25, sqlite-vec KNN (rescored exactly), recency and importance candidates
// and ranks them by min-max-normalised components. A write batch is one transaction: all or nothing,
// run inline or by a writer thread (memory-writer-thread.ts).
import type Database from 'better-sqlite3';
import { ConfigError, StoreError, type Embedder, type MemoryHit, type MemoryRecord, type MemoryStore, type NewMemory, type RecallQuery, type RecallWeights } from '@worldloop/spec';
import { openSqliteDatabase, runMigrations, storeFailure, type SqliteDatabaseSource, type StoreFailureOptions } from '@worldloop/sqlite';
import { checkNewMemory, memoryKindCodes, type CheckedNewMemory } from './checked-new-memory.js';
import { checkRecallQuery, type CheckedRecallQuery } from './checked-recall-query.js';
import { appendFilterConditions } from './filter-conditions.js';
import { HashedEmbedder } from './hashed-embedder.js';
import { matchExpression, matchWords } from './match-expression.js';
import { loadSqliteVec } from './load-sqlite-vec.js';
import { memorySchema } from './memory-schema.js';
import { MemoryBatchWriter } from './memory-batch-writer.js';
import { MemoryVectorIndex, type VectorFilters } from './memory-vector-index.js';
import { MemoryWriterThread } from './memory-writer-thread.js';
import { prepareMemoryChunk, type PreparedMemoryChunk } from './prepared-memory-chunk.js';
import { dotStoredEmbedding } from './stored-embedding.js';
import { defaultRecallWeights, rankCandidates, type ComponentScores, type RankingCandidate } from './recall-ranking.js';
import { toUnitVector } from './unit-vector.js';

/** How recency decays: by `decay` per hour of age, or per memory written to the same namespace since. */
export interface RecencyOptions {
  /** Factor per unit of age, in (0, 1] (default 0.99 per hour, as in Generative Agents). */
  readonly decay?: number;
  /**
   * `hour` (default): age is the time since `createdAt`, in hours. `memory`: age is the number of
   * memories written to the same namespace after this one, a clock of agent steps (the agent
   * writes one memory per step by default) for simulated worlds where wall time means nothing.
   */
  readonly unit?: 'hour' | 'memory';
}

/** Defaults and tuning of `recall`. */
export interface SqliteMemoryRecallOptions {
  /** Hits returned when a query gives no limit (default 10). */
  readonly limit?: number;
  /** Weights when a query gives none (default lexical 0.5, vector 0.5, recency 1, importance 1). */
  readonly weights?: RecallWeights;
  readonly recency?: RecencyOptions;
  /**
   * Candidates each source adds to the set that is scored: the best bm25 matches, the nearest
   * vectors, the most recent and the most important memories (default max(30, 3 × limit)).
   */
  readonly candidatesPerSource?: number;
  /**
   * Nearest codes fetched from the vector index per vector candidate kept, before exact cosine
   * rescoring (default 7: recall@10 against exact cosine 0.980 at 100k and 0.974 at 1M memories with
   * the hashed embedder; 5 gave 0.972 and 0.946). Higher: better vector recall, slower recall at
   * 100k+ memories.
   */
  readonly vectorOversampling?: number;
  /**
   * Most memories the words of a query may match together (default 1024). The lexical search uses
   * the query's rarest words while their match counts add up to at most this, and always the
   * rarest one: common words cost the most to score and weigh the least in bm25 (a word in half
   * the memories weighs nothing). Every candidate's lexical score uses the same words. When even
   * the rarest word matches more memories than this, only its most recent `lexicalMatchBudget`
   * matches are scored (the others get lexical 0), so that a query of common words costs about
   * what a query of rarer ones does (at 1M memories, scoring all 166k matches of a word took
   * 0.66 s, its newest 1,024 14 ms).
   */
  readonly lexicalMatchBudget?: number;
}

/** Where the store keeps its data, and how it embeds and recalls. */
export type SqliteMemoryStoreOptions = SqliteDatabaseSource & {
  /** Embeds texts for the vector component (default: `new HashedEmbedder()`, 384 dimensions, lexical). */
  readonly embedder?: Embedder;
  readonly recall?: SqliteMemoryRecallOptions;
  /** Clock for `createdAt` and recency, in ms since the epoch (for deterministic tests). */
  readonly now?: () => number;
  /**
   * Bytes of the file SQLite reads through a memory map (`PRAGMA mmap_size`) instead of copying
   * pages into its cache: recall scans the vector index and reads candidates, and the map saves
   * those copies (hybrid recall about 1.5 times faster at 100k memories). Default 2 GiB, the most
   * better-sqlite3's SQLite maps; 0 turns the map off. Set on the connection, including a `database`
   * handed in (the setting is per connection). SQLite's own caveat: an I/O error on a mapped page
   * (a disk failing, a file truncated by another program) is a signal rather than an error code.
   */
  readonly memoryMappedBytes?: number;
  /**
   * Where writes run their SQL. `inline` (default): on this connection, in the caller's thread.
   * `thread`: in a worker thread with its own connection to the same file, for bulk loading; this
   * thread still checks and embeds each batch and computes its vector codes, a chunk at a time,
   * while the worker inserts the chunks before, and batches written without awaiting each other
   * overlap further (embedding one while the worker commits another; `writeMemoryBatches`). Same
   * results, same errors. At 1M memories on 2 cores: 19,900/s inline, 23,000/s through the thread
   * with each batch awaited, 31,800/s with two in flight. Needs a database file (not `:memory:`); the
   * worker starts in the background (about 0.25 s, loading the TypeScript sources) and stops at
   * `close()`; it does not keep the process alive while idle.
   */
  readonly writer?: 'inline' | 'thread';
};

/** A candidate memory as read for scoring. */
interface CandidateRow {
  readonly id: number;
  readonly kind: MemoryRecord['kind'];
  readonly text: string;
  readonly payload: string | null;
  readonly importance: number;
  readonly created_at: number;
  readonly run_id: number | null;
  readonly episode_id: number | null;
  readonly step_index: number | null;
  readonly sequence: number;
  readonly embedding: Buffer;
  readonly namespace: string;
  readonly last_sequence: number;
}

interface ScoredRow extends RankingCandidate {
  readonly row: CandidateRow;
}

/** Filters resolved for SQL: namespace names turned into ids, kinds into codes. */
interface ResolvedFilters extends VectorFilters {
  readonly kinds: readonly string[] | undefined;
}

/** The largest memory map better-sqlite3's SQLite makes (its SQLITE_MAX_MMAP_SIZE); larger settings are capped to it. */
const largestMemoryMapBytes = 0x7fff0000;
/**
 * Page size of a new memory file: a memory's row holds its embedding (768 bytes as float16 at 384
 * dimensions, 8 KiB at 4,096), which on 4 KiB pages splits b-tree leaves every few rows or spills
 * to overflow pages. A file created elsewhere (by the trajectory store, say) keeps its size.
 */
const memoryPageSize = 16_384;
/** Memories read in index order per candidate wanted before a filtered ordered source falls back to SQLite's plan. */
const orderedScanFactor = 64;
/** Searching namespace by namespace (to use the per-namespace indexes) stops paying beyond this many. */
const namespacesSearchedOneByOne = 64;
const millisecondsPerHour = 3_600_000;
/** How the memory store words its failures (the shared advice by SQLite code suffices). */
const memoryFailure: StoreFailureOptions = { label: 'memory store' };

/**
 * A MemoryStore on an SQLite file, with full-text (FTS5), vector (sqlite-vec) and scored recall.
 * Methods are async to honour the contract but do their SQL synchronously; `write` awaits the
 * embedder first, then commits the whole batch in one IMMEDIATE transaction, on this connection or
 * (option `writer: 'thread'`) in a worker thread's.
 *
 * **Recall.** Candidates are the union, within the filters, of the `candidatesPerSource` best
 * bm25 matches of the query's rarer words (see `lexicalMatchBudget`), the nearest vectors (a
 * hamming KNN over hyperplane codes (≥ 1,024 bits) in a vec0 table partitioned by namespace, bounded
 * by distances estimated from an in-memory sample of the codes, fetching `vectorOversampling` times
 * more than needed, rescored by exact cosine), the most recent and the most important memories.
 * Every candidate then gets all four raw components: -bm25 (0 when it does not match), cosine
 * similarity, `decay^age`, importance. Each is min-max normalised over the candidates, and
 * `score = Σ weight × component / Σ weight` (see `rankCandidates`). Scoring a candidate set rather
 * than every memory is the approximation: a memory that no source ranks among its best is not
 * returned.
 *
 * **Namespaces.** A recall sees only the namespaces it names (every namespace when it names
 * none); a namespace nothing was written to matches nothing, it is not an error.
 *
 * **Embeddings.** The embedder's id and dimension are recorded when the file is first opened;
 * opening it with another embedder throws ConfigError naming both. Embeddings are stored as unit
 * vectors; a precomputed `embedding` of the wrong length is a StoreError.
 *
 * Several stores, in this or other processes, may write one file at once (writers wait up to
 * 5 s for the lock), and it may be the trajectory store's file. Throws StoreError for bad input
 * and for every SQLite failure, ConfigError for bad options.
 */
export class SqliteMemoryStore implements MemoryStore {
  /** The file path (or `:memory:`), as it appears in error messages. */
  readonly location: string;
  /** The embedder of the vector component. */
  readonly embedder: Embedder;
  readonly #database: Database.Database;
  readonly #ownsDatabase: boolean;
  readonly #now: () => number;
  readonly #vectors: MemoryVectorIndex;
  readonly #statements: ReturnType<typeof prepareStatements>;
  /** Writes batches on this connection (`writer: 'inline'`). */
  readonly #writer: MemoryBatchWriter | undefined;
  /** Writes batches in a worker thread (`writer: 'thread'`). */
  readonly #writerThread: MemoryWriterThread | undefined;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #namespaceIds = new Map<string, number>();
  readonly #defaults: { readonly limit: number; readonly weights: Readonly<Required<RecallWeights>> };
  readonly #decay: number;
  readonly #recencyUnit: 'hour' | 'memory';
  readonly #candidatesPerSource: number | undefined;
  readonly #vectorOversampling: number;
  readonly #lexicalMatchBudget: number;
  /** How many memories each word matched (capped at the budget + 1), and the last memory id then. */
  readonly #wordMatches = new Map<string, { readonly count: number; readonly lastId: number }>();
  /** Set by `close`: new calls are refused from then on. */
  #closed = false;
  /** Calls in progress (`close` waits for them), and the closing itself. */
  readonly #calls = new Set<Promise<unknown>>();
  #closing: Promise<void> = Promise.resolve();

  /** Opens (creating and migrating as needed) the store. Throws StoreError naming the path, ConfigError for bad options. */
  constructor(options: SqliteMemoryStoreOptions) {
    this.location = options.database === undefined ? options.path : options.database.name;
    this.#ownsDatabase = options.database === undefined;
    this.#now = options.now ?? Date.now;
    this.embedder = options.embedder ?? new HashedEmbedder();
    const recall = options.recall ?? {};
    this.#defaults = recallDefaults(recall);
    this.#decay = recall.recency?.decay ?? 0.99;
    this.#recencyUnit = recall.recency?.unit ?? 'hour';
    this.#candidatesPerSource = recall.candidatesPerSource;
    this.#vectorOversampling = recall.vectorOversampling ?? 7;
    this.#lexicalMatchBudget = recall.lexicalMatchBudget ?? 1024;
    checkOption('recall.lexicalMatchBudget', this.#lexicalMatchBudget, Number.isSafeInteger(this.#lexicalMatchBudget) && this.#lexicalMatchBudget >= 1, 'a whole number ≥ 1');
    checkOption('recall.recency.decay', this.#decay, this.#decay > 0 && this.#decay <= 1, 'a number in (0, 1], e.g. 0.99');
    checkOption('recall.recency.unit', this.#recencyUnit, this.#recencyUnit === 'hour' || this.#recencyUnit === 'memory', '"hour" or "memory"');
    checkOption('recall.candidatesPerSource', this.#candidatesPerSource, this.#candidatesPerSource === undefined || (Number.isSafeInteger(this.#candidatesPerSource) && this.#candidatesPerSource >= 1 && this.#candidatesPerSource <= 4096), 'a whole number from 1 to 4096');
    const memoryMappedBytes = options.memoryMappedBytes ?? largestMemoryMapBytes;
    checkOption('memoryMappedBytes', memoryMappedBytes, Number.isSafeInteger(memoryMappedBytes) && memoryMappedBytes >= 0, 'a whole number of bytes ≥ 0 (0 turns the map off)');
    checkOption('recall.vectorOversampling', this.#vectorOversampling, this.#vectorOversampling >= 1 && this.#vectorOversampling <= 100, 'a number from 1 to 100');
    const writer = options.writer ?? 'inline';
    checkOption('writer', writer, writer === 'inline' || writer === 'thread', '"inline" or "thread"');
    if (writer === 'thread' && (options.database === undefined ? options.path === ':memory:' || options.path === '' : options.database.memory)) {
      throw new ConfigError(`SqliteMemoryStore option writer "thread" needs a database file: a second connection cannot reach ${this.location === '' ? 'a temporary database' : this.location}. Use writer "inline", or a file path.`, {
        details: { option: 'writer', value: writer },
      });
    }

    let database: Database.Database | undefined;
    try {
      database = openSqliteDatabase(options, { pageSize: memoryPageSize });
      database.pragma(`mmap_size = ${memoryMappedBytes}`);
      loadSqliteVec(database);
      runMigrations(database, memorySchema);
      this.#vectors = new MemoryVectorIndex(database, this.embedder, this.location);
      this.#statements = prepareStatements(database);
      this.#writer = writer === 'inline' ? new MemoryBatchWriter(database, this.location) : undefined;
      this.#writerThread = writer === 'thread' ? new MemoryWriterThread(databaseFile(database), this.location) : undefined;
    } catch (error) {
      if (this.#ownsDatabase && database?.open) database.close();
      throw storeFailure('open the database', this.location, error, memoryFailure);
    }
    this.#database = database;
  }

  /** Opens the store at `path` (`':memory:'` for a throwaway one) with the default embedder. */
  static open(path: string, options: Omit<SqliteMemoryStoreOptions, 'path' | 'database'> = {}): SqliteMemoryStore {
    return new SqliteMemoryStore({ ...options, path });
  }

  async write(memories: readonly NewMemory[]): Promise<readonly MemoryRecord[]> {
    this.#checkOpen('write memories');
    if (!Array.isArray(memories)) throw new StoreError(`write takes a list of memories, not ${typeof memories}.`, { details: { reason: 'invalid-memory' } });
    const checked = memories.map(checkNewMemory);
    if (checked.length === 0) return [];
    return this.#inProgress(this.#write(checked));
  }

  /** Embeds and writes a checked batch (`close` waits for it). */
  async #write(checked: readonly CheckedNewMemory[]): Promise<readonly MemoryRecord[]> {
    const vectors = await this.#embeddings(checked);
    const createdAt = Math.round(this.#now());
    let firstId: number;
    try {
      firstId =
        this.#writerThread === undefined
          ? this.#writer!.write([prepareMemoryChunk(checked, vectors, 0, checked.length, createdAt)])
          : await this.#writerThread.write(threadChunks(checked, vectors, createdAt));
    } catch (error) {
      throw storeFailure(`write ${checked.length === 1 ? 'a memory' : `${checked.length} memories`}`, this.location, error, memoryFailure);
    }
    return checked.map((memory, position) =>
      toRecord(
        {
          id: firstId + position,
          kind: memory.kind,
          text: memory.text,
          payload: memory.payload,
          importance: memory.importance,
          created_at: memory.createdAt ?? createdAt,
          run_id: memory.runId,
          episode_id: memory.episodeId,
          step_index: memory.stepIndex,
          namespace: memory.namespace,
        },
        memory.links,
      ),
    );
  }

  async recall(query: RecallQuery): Promise<readonly MemoryHit[]> {
    this.#checkOpen('recall memories');
    const checked = checkRecallQuery(query, this.#defaults);
    return this.#inProgress(this.#recallChecked(checked));
  }

  /** Embeds the query text (when needed) and recalls (`close` waits for it). */
  async #recallChecked(checked: CheckedRecallQuery): Promise<readonly MemoryHit[]> {
    let queryVector: Float32Array | undefined;
    if (checked.weights.vector > 0 && checked.embedding !== undefined) {
      queryVector = toUnitVector(checked.embedding, this.#vectors.dimension, 'The recall query embedding', `embed the query with the store's embedder ("${this.embedder.id}").`);
    } else if (checked.weights.vector > 0 && checked.text !== undefined) {
      const [embedded] = await this.embedder.embed([checked.text]);
      queryVector = toUnitVector(embedded!, this.#vectors.dimension, `The embedder's vector of the recall text`, `the embedder "${this.embedder.id}" returned a vector of the wrong length.`);
    }
    try {
      return this.#recall(checked, queryVector);
    } catch (error) {
      throw storeFailure('recall memories', this.location, error, memoryFailure);
    }
  }

  async get(ids: readonly string[]): Promise<readonly MemoryRecord[]> {
    this.#checkOpen('read memories');
    if (!Array.isArray(ids)) throw new StoreError(`get takes a list of memory ids, not ${typeof ids}.`, { details: { reason: 'invalid-id' } });
    // Ids this store never hands out (not a positive whole number in text) cannot be held: left out,
    // and so are those a JS number cannot hold exactly (they would read as a neighbouring id).
    const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && /^[1-9][0-9]{0,15}$/.test(id) && String(Number(id)) === id).map(Number))];
    if (wanted.length === 0) return [];
    try {
      const rows = new Map((this.#statements.selectCandidates.all(JSON.stringify(wanted)) as CandidateRow[]).map((row) => [row.id, row]));
      const links = this.#linksOf([...rows.keys()]);
      return wanted.flatMap((id) => {
        const row = rows.get(id);
        return row === undefined ? [] : [toRecord(row, links.get(id) ?? [])];
      });
    } catch (error) {
      throw storeFailure(`read ${wanted.length === 1 ? 'a memory' : `${wanted.length} memories`}`, this.location, error, memoryFailure);
    }
  }

  /**
   * Closes the store. Calls made before it finish first (a write waiting for its embeddings still
   * commits); calls made after it fail with a StoreError.
   */
  async close(): Promise<void> {
    if (this.#closed) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await Promise.allSettled(this.#calls);
      await this.#writerThread?.close();
      if (this.#ownsDatabase) this.#database.close();
    })();
    return this.#closing;
  }

  /** Tracks a call that awaits something (the embedder, the writer thread) until it settles, for `close`. */
  #inProgress<T>(call: Promise<T>): Promise<T> {
    this.#calls.add(call);
    const done = () => this.#calls.delete(call);
    call.then(done, done);
    return call;
  }

  /**
   * The unit vectors of a batch: given embeddings checked and copied before anything is awaited
   * (the caller may reuse or change its arrays once `write` returns its promise), the others
   * embedded in one call.
   */
  async #embeddings(memories: readonly CheckedNewMemory[]): Promise<Float32Array[]> {
    const given = memories.map((memory, position) => {
      if (memory.embedding === undefined) return undefined;
      const vector = toUnitVector(memory.embedding, this.#vectors.dimension, `The embedding of memory ${position} of the batch`, `embed it with the store's embedder ("${this.embedder.id}"), or leave it out and let the store embed the text.`);
      return vector === memory.embedding ? vector.slice() : vector;
    });
    const missing = memories.flatMap((memory, position) => (memory.embedding === undefined ? [position] : []));
    const embedded = missing.length === 0 ? [] : await this.embedder.embed(missing.map((position) => memories[position]!.text));
    if (embedded.length !== missing.length) {
      throw new StoreError(`The embedder "${this.embedder.id}" returned ${embedded.length} vectors for ${missing.length} texts; an embedder returns one vector per text.`, {
        details: { reason: 'embedder-output' },
      });
    }
    const byPosition = new Map(missing.map((position, index) => [position, embedded[index]!]));
    return memories.map(
      (_, position) =>
        given[position] ?? toUnitVector(byPosition.get(position)!, this.#vectors.dimension, `The embedder's vector of memory ${position}`, `the embedder "${this.embedder.id}" returned a vector of the wrong length.`),
    );
  }

  #recall(query: CheckedRecallQuery, queryVector: Float32Array | undefined): MemoryHit[] {
    const filters = this.#resolveFilters(query);
    if (filters === undefined) return [];
    const perSource = this.#candidatesPerSource ?? Math.max(30, 3 * query.limit);
    const match = query.text === undefined || query.weights.lexical === 0 ? undefined : this.#lexicalExpression(query.text);
    // -bm25 of every memory within the filters that matches: the best are candidates, and the
    // others that come in through another source get their score from here (0 when absent).
    const lexical = new Map<number, number>();
    const candidateIds = new Set<number>();
    if (match !== undefined) {
      const matches = this.#lexicalMatches(match, filters);
      for (const [id, bm25] of matches) lexical.set(id, -bm25);
      matches.sort((a, b) => a[1] - b[1] || b[0] - a[0]);
      for (const [id] of matches.slice(0, perSource)) candidateIds.add(id);
    }
    if (queryVector !== undefined) {
      const nearest = this.#vectors.nearest(queryVector, Math.ceil(perSource * this.#vectorOversampling), filters);
      const rescored = (this.#statements.selectEmbeddings.all(JSON.stringify(nearest)) as { id: number; embedding: Buffer }[])
        .map(({ id, embedding }) => ({ id, similarity: dotStoredEmbedding(queryVector, embedding) }))
        .sort((a, b) => b.similarity - a.similarity || b.id - a.id);
      for (const { id } of rescored.slice(0, perSource)) candidateIds.add(id);
    }
    if (query.weights.recency > 0) for (const id of this.#orderedCandidates('m.created_at', filters, perSource)) candidateIds.add(id);
    if (query.weights.importance > 0) for (const id of this.#orderedCandidates('m.importance', filters, perSource)) candidateIds.add(id);
    if (candidateIds.size === 0) return [];

    const ids = JSON.stringify([...candidateIds]);
    const rows = this.#statements.selectCandidates.all(ids) as CandidateRow[];
    const now = this.#now();
    const scored = rows.map((row): ScoredRow => {
      const age = this.#recencyUnit === 'hour' ? Math.max(0, now - row.created_at) / millisecondsPerHour : row.last_sequence - row.sequence;
      const raw: ComponentScores = {
        lexical: lexical.get(row.id) ?? 0,
        vector: queryVector === undefined ? 0 : dotStoredEmbedding(queryVector, row.embedding),
        recency: this.#decay ** age,
        importance: row.importance,
      };
      return { raw, order: row.id, row };
    });
    const ranked = rankCandidates(scored, query.weights, query.limit);
    const links = this.#linksOf(ranked.map(({ candidate }) => candidate.row.id));
    return ranked.map(({ candidate, score, components }) => ({ record: toRecord(candidate.row, links.get(candidate.row.id) ?? []), score, components }));
  }

  /** The links of each of these memories, in the order they were given. */
  #linksOf(memoryIds: readonly number[]): Map<number, number[]> {
    const links = new Map<number, number[]>();
    for (const { memory_id, target_id } of this.#statements.selectLinks.all(JSON.stringify(memoryIds)) as { memory_id: number; target_id: number }[]) {
      const list = links.get(memory_id) ?? [];
      list.push(target_id);
      links.set(memory_id, list);
    }
    return links;
  }

  /** Namespace ids and kind codes of the query; undefined when a filter matches nothing. */
  #resolveFilters(query: CheckedRecallQuery): ResolvedFilters | undefined {
    let namespaceIds: number[] | undefined;
    if (query.namespaces !== undefined) {
      namespaceIds = [];
      for (const name of new Set(query.namespaces)) {
        const id = this.#namespaceIds.get(name) ?? (this.#statements.selectNamespace.pluck().get(name) as number | undefined);
        if (id === undefined) continue;
        // Inside a transaction of an injected connection the row may be uncommitted: not cached then.
        if (!this.#database.inTransaction) this.#namespaceIds.set(name, id);
        namespaceIds.push(id);
      }
      if (namespaceIds.length === 0) return undefined;
    } else {
      const all = this.#statements.selectNamespaceIds.pluck().all() as number[];
      if (all.length <= namespacesSearchedOneByOne) namespaceIds = all;
    }
    if (query.kinds !== undefined && query.kinds.length === 0) return undefined;
    if (query.since !== undefined && query.until !== undefined && query.since >= query.until) return undefined;
    const kinds = query.kinds === undefined ? undefined : [...new Set(query.kinds)];
    return {
      namespaceIds: namespaceIds?.length === 0 ? undefined : namespaceIds,
      kinds,
      kindCodes: kinds?.map((kind) => memoryKindCodes.get(kind as MemoryRecord['kind'])!),
      episodeId: query.episodeId,
      since: query.since,
      until: query.until,
    };
  }

  /**
   * The MATCH expression of the query's rarest words, while the memories they match add up to at
   * most the budget (always the rarest word); undefined when no word matches anything. Match
   * counts are cached per word until the store has grown by a quarter (a count of 0 only until
   * the next write).
   */
  #lexicalExpression(text: string): string | undefined {
    const lastId = (this.#statements.selectLastId.pluck().get() as number | undefined) ?? 0;
    const counted = matchWords(text).map((word) => {
      let known = this.#wordMatches.get(word);
      // A word that matched nothing is counted again after any write: a stale 0 would leave it out
      // of the expression, so the memory that now holds it would get no lexical score.
      if (known === undefined || (known.count === 0 && lastId !== known.lastId) || lastId > known.lastId * 1.25 + 64) {
        known = { count: this.#statements.countMatches.pluck().get(`"${word}"`, this.#lexicalMatchBudget + 1) as number, lastId };
        if (this.#wordMatches.size >= 10_000) this.#wordMatches.clear();
        this.#wordMatches.set(word, known);
      }
      return { word, count: known.count };
    });
    const chosen: string[] = [];
    let total = 0;
    for (const { word, count } of counted.filter(({ count }) => count > 0).sort((a, b) => a.count - b.count)) {
      if (chosen.length > 0 && total + count > this.#lexicalMatchBudget) break;
      chosen.push(word);
      total += count;
    }
    return matchExpression(chosen);
  }

  /**
   * [id, bm25] of the memories within the filters that match, the newest `lexicalMatchBudget` of
   * them (all of them unless the rarest word alone matches more; bm25 is negative: lower is better).
   */
  #lexicalMatches(match: string, filters: ResolvedFilters): [id: number, bm25: number][] {
    const { conditions, parameters } = memoryConditions(filters, filters.namespaceIds === undefined ? 'none' : 'list');
    const sql =
      conditions.length === 0
        ? 'SELECT rowid, bm25(memories_fts) FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rowid DESC LIMIT ?'
        : `SELECT memories_fts.rowid, bm25(memories_fts) FROM memories_fts CROSS JOIN memories m ON m.id = memories_fts.rowid WHERE memories_fts MATCH ? AND ${conditions.join(' AND ')} ORDER BY memories_fts.rowid DESC LIMIT ?`;
    return this.#query(sql).raw().all(match, ...parameters, this.#lexicalMatchBudget) as [number, number][];
  }

  /**
   * The first `count` memories within the filters by `column` descending (newest or most important),
   * later-written first on ties. With kind or time filters (and no episode), each namespace is first
   * read in `column` order through its index, at most `orderedScanFactor × count` memories, keeping
   * those that pass: SQLite's own plan would take the time range's index and sort the whole range
   * (17 ms for half of 100k memories); only when that read finds too few does its plan run.
   */
  #orderedCandidates(column: 'm.created_at' | 'm.importance', filters: ResolvedFilters, count: number): number[] {
    const oneByOne = filters.namespaceIds !== undefined;
    const { conditions, parameters } = memoryConditions(filters, oneByOne ? 'one' : 'none');
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const statement = this.#query(`SELECT m.id AS id, ${column} AS key FROM memories m ${where} ORDER BY ${column} DESC, m.id DESC LIMIT ?`);
    if (!oneByOne) return (statement.all(...parameters, count) as { id: number }[]).map((row) => row.id);
    const inOrder = conditions.length > 1 && filters.episodeId === undefined ? this.#orderedScan(column, filters) : undefined;
    const found: { id: number; key: number }[] = [];
    for (const namespaceId of filters.namespaceIds!) {
      const scanned = inOrder?.statement.all(namespaceId, orderedScanFactor * count, ...inOrder.parameters, count) as { id: number; key: number }[] | undefined;
      found.push(...(scanned !== undefined && scanned.length >= count ? scanned : (statement.all(...parameters, namespaceId, count) as { id: number; key: number }[])));
    }
    if (filters.namespaceIds!.length > 1) found.sort((a, b) => b.key - a.key || b.id - a.id);
    return found.slice(0, count).map((row) => row.id);
  }

  /** The statement that reads one namespace in `column` order (at most a given number of memories) and keeps those within the filters. */
  #orderedScan(column: 'm.created_at' | 'm.importance', filters: ResolvedFilters): { statement: Database.Statement; parameters: unknown[] } {
    const { conditions, parameters } = memoryConditions(filters, 'none');
    const statement = this.#query(
      `SELECT id, key FROM (SELECT m.id AS id, ${column} AS key, m.kind AS kind, m.created_at AS created_at FROM memories m WHERE m.namespace_id = ? ORDER BY ${column} DESC, m.id DESC LIMIT ?) AS m WHERE ${conditions.join(' AND ')} LIMIT ?`,
    );
    return { statement, parameters };
  }

  #query(sql: string): Database.Statement {
    let statement = this.#queries.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(sql);
      this.#queries.set(sql, statement);
    }
    return statement;
  }

  #checkOpen(operation: string): void {
    if (this.#closed) throw new StoreError(`Could not ${operation}: memory store ${this.location} is closed; open a new SqliteMemoryStore.`, { details: { path: this.location } });
  }
}

/**
 * SQL conditions on `memories m` for the filters. Namespaces: `none` leaves them out, `list`
 * matches any of the ids (one JSON parameter), `one` ends with `m.namespace_id = ?` whose
 * parameter the caller appends.
 */
function memoryConditions(filters: ResolvedFilters, namespaces: 'none' | 'list' | 'one'): { conditions: string[]; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  appendFilterConditions(filters, 'm.', conditions, parameters);
  if (namespaces === 'list') {
    conditions.push('m.namespace_id IN (SELECT value FROM json_each(?))');
    parameters.push(JSON.stringify(filters.namespaceIds));
  }
  if (namespaces === 'one') conditions.push('m.namespace_id = ?');
  return { conditions, parameters };
}

/** Memories per chunk a batch is posted to the writer thread in: the thread inserts one while the next is prepared. */
const threadChunkSize = 128;

/** The chunks of a batch for the writer thread, each prepared when it is taken. */
function* threadChunks(memories: readonly CheckedNewMemory[], vectors: readonly Float32Array[], createdAt: number): Generator<PreparedMemoryChunk> {
  for (let start = 0; start < memories.length; start += threadChunkSize) yield prepareMemoryChunk(memories, vectors, start, Math.min(memories.length, start + threadChunkSize), createdAt);
}

function prepareStatements(database: Database.Database) {
  return {
    selectNamespace: database.prepare('SELECT id FROM memory_namespaces WHERE name = ?'),
    selectNamespaceIds: database.prepare('SELECT id FROM memory_namespaces ORDER BY id'),
    selectEmbeddings: database.prepare('SELECT id, embedding FROM memories WHERE id IN (SELECT value FROM json_each(?))'),
    selectCandidates: database.prepare(`
      SELECT m.id, m.kind, m.text, m.payload, m.importance, m.created_at, m.run_id, m.episode_id, m.step_index, m.sequence, m.embedding,
             n.name AS namespace, n.last_sequence
      FROM memories m JOIN memory_namespaces n ON n.id = m.namespace_id
      WHERE m.id IN (SELECT value FROM json_each(?))
    `),
    selectLastId: database.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'memories'"),
    countMatches: database.prepare('SELECT count(*) FROM (SELECT 1 FROM memories_fts WHERE memories_fts MATCH ? LIMIT ?)'),
    selectLinks: database.prepare('SELECT memory_id, target_id FROM memory_links WHERE memory_id IN (SELECT value FROM json_each(?)) ORDER BY memory_id, position'),
  };
}

/** The record of a stored memory; absent optional fields are left out (fields in the contract's order). */
function toRecord(
  row: Pick<CandidateRow, 'id' | 'kind' | 'text' | 'payload' | 'importance' | 'created_at' | 'run_id' | 'episode_id' | 'step_index' | 'namespace'>,
  links: readonly number[],
): MemoryRecord {
  const record: { -readonly [Field in keyof MemoryRecord]: MemoryRecord[Field] } = { id: String(row.id), kind: row.kind, text: row.text } as MemoryRecord;
  if (row.payload !== null) record.payload = JSON.parse(row.payload);
  record.importance = row.importance;
  record.namespace = row.namespace;
  if (row.run_id !== null || row.episode_id !== null || row.step_index !== null) {
    const provenance: { runId?: number; episodeId?: number; stepIndex?: number } = {};
    if (row.run_id !== null) provenance.runId = row.run_id;
    if (row.episode_id !== null) provenance.episodeId = row.episode_id;
    if (row.step_index !== null) provenance.stepIndex = row.step_index;
    record.provenance = provenance;
  }
  if (links.length > 0) record.links = links.map(String);
  record.createdAt = row.created_at;
  return record;
}

/**
 * The absolute path of the file a connection has open, as SQLite holds it: the writer thread opens it
 * later, when a relative name (the connection's `name`) may point elsewhere after a change of directory.
 */
function databaseFile(database: Database.Database): string {
  const main = (database.pragma('database_list') as { name: string; file: string }[]).find(({ name }) => name === 'main');
  if (main === undefined || main.file === '') throw new Error(`the connection to ${database.name} has no database file for a writer thread to open`);
  return main.file;
}

function checkOption(name: string, value: unknown, valid: boolean, expected: string): void {
  if (!valid) throw new ConfigError(`SqliteMemoryStore option ${name} is ${JSON.stringify(value)}; use ${expected}.`, { details: { option: name, value } });
}

/** The store's recall defaults: the options' limit and weights over 10 and Generative Agents' weights. */
function recallDefaults(recall: SqliteMemoryRecallOptions): { readonly limit: number; readonly weights: Readonly<Required<RecallWeights>> } {
  try {
    const checked = checkRecallQuery({ ...(recall.limit !== undefined ? { limit: recall.limit } : {}), ...(recall.weights ? { weights: recall.weights } : {}) }, { limit: 10, weights: defaultRecallWeights });
    return { limit: checked.limit, weights: checked.weights };
  } catch (error) {
    throw new ConfigError(`SqliteMemoryStore option recall is wrong: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
