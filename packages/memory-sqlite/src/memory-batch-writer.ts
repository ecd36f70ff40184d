// Writes prepared memory chunks into one SQLite connection, a batch per IMMEDIATE transaction: the
// memories' rows, their full-text rows, their vector-index codes and their links. The same code runs
// on the store's own connection and in the writer thread (memory-writer.worker.ts).
import type Database from 'better-sqlite3';
import { StoreError } from '@worldloop/spec';
import { memoryKindCodes } from './checked-new-memory.js';
import { MultiRowInsert } from './multi-row-insert.js';
import { insertVectorIndexRows, prepareVectorIndexInsert } from './memory-vector-index.js';
import type { PreparedMemoryChunk } from './prepared-memory-chunk.js';

/**
 * Inserts batches of memories: `begin()`, then `add()` for each chunk of the batch in order, then
 * `commit()`, or `rollback()` after any failure (the batch is all or nothing). Ids are given, not
 * left to AUTOINCREMENT: a batch takes the next ones after the largest id ever used (the
 * transaction holds the write lock), so that its rows, texts and codes go in statements of many rows.
 * Sequences (the per-namespace memory clock) are reserved chunk by chunk, in batch order.
 */
export class MemoryBatchWriter {
  readonly #database: Database.Database;
  readonly #location: string;
  readonly #statements: ReturnType<typeof prepareWriteStatements>;
  readonly #memoryRows: MultiRowInsert;
  readonly #textRows: MultiRowInsert;
  readonly #codeRows: MultiRowInsert;
  /** Namespace ids known to be committed (ids never change once committed). */
  readonly #namespaceIds = new Map<string, number>();
  /**
   * Namespaces the open batch looked up or created: cached only once it commits at the top level (a
   * batch in a savepoint of someone else's transaction may still be rolled back with it).
   */
  readonly #batchNamespaceIds = new Map<string, number>();
  /** First id of the open batch, and the next id to give; undefined outside a batch. */
  #batch: { readonly firstId: number; nextId: number } | undefined;

  /** Prepares the statements on `database` (a connection to a migrated memory store). `location` names it in errors. */
  constructor(database: Database.Database, location: string) {
    this.#database = database;
    this.#location = location;
    this.#statements = prepareWriteStatements(database);
    this.#memoryRows = new MultiRowInsert(
      database,
      'INSERT INTO memories (id, namespace_id, sequence, kind, text, payload, importance, created_at, run_id, episode_id, step_index, embedding)',
      '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      12,
    );
    this.#textRows = new MultiRowInsert(database, 'INSERT INTO memories_fts (rowid, text)', '(?, ?)', 2);
    this.#codeRows = prepareVectorIndexInsert(database);
  }

  /** Starts a batch (BEGIN IMMEDIATE: waits up to the busy timeout for other writers) and returns its first id. */
  begin(): number {
    if (this.#batch !== undefined) throw new Error('a memory batch is already open on this connection');
    this.#statements.begin.run();
    return this.#open();
  }

  /**
   * Inserts a chunk of the open batch. A link must name a memory that exists, or one earlier in
   * the batch: otherwise a StoreError (details.reason `invalid-memory`), and the caller rolls back.
   */
  add(chunk: PreparedMemoryChunk): void {
    const batch = this.#batch;
    if (batch === undefined) throw new Error('no memory batch is open on this connection');
    const count = chunk.texts.length;
    const firstId = batch.nextId;
    const sequences = this.#reserveSequences(chunk.namespaces);
    const embeddingBytes = chunk.embeddings.byteLength / count;
    const codeBytes = chunk.codes.byteLength / count;
    const embeddings = Buffer.from(chunk.embeddings.buffer, chunk.embeddings.byteOffset, chunk.embeddings.byteLength);
    const codes = Buffer.from(chunk.codes.buffer, chunk.codes.byteOffset, chunk.codes.byteLength);
    const rows: unknown[] = [];
    const texts: unknown[] = [];
    const codeRows: unknown[] = [];
    for (let index = 0; index < count; index++) {
      const id = firstId + index;
      for (const link of chunk.links[index]!) {
        if (link >= id || (link < batch.firstId && this.#statements.memoryExists.get(link) === undefined)) {
          const position = chunk.offset + index;
          throw new StoreError(`Memory ${position} of the batch links to memory ${link}, which does not exist in memory store ${this.#location}; link only to ids that write returned.`, {
            details: { reason: 'invalid-memory', position, field: 'links', link: String(link) },
          });
        }
      }
      const namespaceId = this.#namespaceId(chunk.namespaces[index]!);
      const kind = chunk.kinds[index]!;
      const createdAt = chunk.createdAts[index]!;
      const episodeId = chunk.episodeIds[index]!;
      rows.push(
        id,
        namespaceId,
        sequences[index],
        kind,
        chunk.texts[index],
        chunk.payloads[index],
        chunk.importances[index],
        createdAt,
        chunk.runIds[index],
        episodeId,
        chunk.stepIndexes[index],
        embeddings.subarray(index * embeddingBytes, (index + 1) * embeddingBytes),
      );
      texts.push(id, chunk.texts[index]);
      codeRows.push(id, namespaceId, memoryKindCodes.get(kind)!, createdAt, episodeId, codes.subarray(index * codeBytes, (index + 1) * codeBytes));
    }
    this.#memoryRows.run(rows);
    this.#textRows.run(texts);
    insertVectorIndexRows(this.#codeRows, codeRows);
    for (let index = 0; index < count; index++) {
      const links = chunk.links[index]!;
      for (let position = 0; position < links.length; position++) this.#statements.insertLink.run(firstId + index, position, links[position]!);
    }
    batch.nextId = firstId + count;
  }

  /** Commits the open batch. */
  commit(): void {
    this.#statements.commit.run();
    this.#closeBatch(true);
  }

  /** Rolls the open batch back, if a transaction is still open (a failed COMMIT may have ended it already). */
  rollback(): void {
    this.#closeBatch(false);
    if (this.#database.inTransaction) this.#statements.rollback.run();
  }

  /**
   * Writes `chunks` as one batch, all or nothing, and returns its first id. Runs in a transaction of
   * its own (IMMEDIATE), or in a savepoint when the connection is already inside one.
   */
  write(chunks: Iterable<PreparedMemoryChunk>): number {
    // In a savepoint the batch is committed only with the enclosing transaction, which may roll back.
    const nested = this.#database.inTransaction;
    let committed = false;
    try {
      const firstId = this.#database
        .transaction(() => {
          const first = this.#open();
          for (const chunk of chunks) this.add(chunk);
          return first;
        })
        .immediate();
      committed = !nested;
      return firstId;
    } finally {
      this.#closeBatch(committed);
    }
  }

  /** Opens the batch's bookkeeping (inside a transaction that holds the write lock); returns its first id. */
  #open(): number {
    const firstId = ((this.#statements.selectLastId.get() as number | undefined) ?? 0) + 1;
    this.#batch = { firstId, nextId: firstId };
    return firstId;
  }

  /** Ends the batch's bookkeeping; namespaces it used are remembered only when it committed. */
  #closeBatch(committed: boolean): void {
    this.#batch = undefined;
    if (committed) for (const [name, id] of this.#batchNamespaceIds) this.#namespaceIds.set(name, id);
    this.#batchNamespaceIds.clear();
  }

  /**
   * The sequence number of each memory of a chunk: one UPDATE per namespace of the chunk rather
   * than one per memory; within a namespace, in chunk order.
   */
  #reserveSequences(namespaces: readonly string[]): number[] {
    const counts = new Map<string, number>();
    for (const namespace of namespaces) counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
    const next = new Map<string, number>();
    for (const [namespace, count] of counts) {
      const last = this.#statements.reserveSequences.get(count, this.#namespaceId(namespace)) as number;
      next.set(namespace, last - count + 1);
    }
    return namespaces.map((namespace) => {
      const sequence = next.get(namespace)!;
      next.set(namespace, sequence + 1);
      return sequence;
    });
  }

  /**
   * The id of a namespace, created on first use (inside the open transaction). A row read here may be
   * uncommitted too (an enclosing transaction's), so it is cached with the batch, like a new one.
   */
  #namespaceId(name: string): number {
    let id = this.#namespaceIds.get(name) ?? this.#batchNamespaceIds.get(name);
    if (id === undefined) {
      id = this.#statements.selectNamespace.get(name) as number | undefined;
      if (id === undefined) {
        this.#statements.insertNamespace.run(name);
        id = this.#statements.selectNamespace.get(name) as number;
      }
      this.#batchNamespaceIds.set(name, id);
    }
    return id;
  }
}

function prepareWriteStatements(database: Database.Database) {
  return {
    begin: database.prepare('BEGIN IMMEDIATE'),
    commit: database.prepare('COMMIT'),
    rollback: database.prepare('ROLLBACK'),
    selectLastId: database.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'memories'").pluck(),
    selectNamespace: database.prepare('SELECT id FROM memory_namespaces WHERE name = ?').pluck(),
    insertNamespace: database.prepare('INSERT INTO memory_namespaces (name) VALUES (?)'),
    reserveSequences: database.prepare('UPDATE memory_namespaces SET last_sequence = last_sequence + ? WHERE id = ? RETURNING last_sequence').pluck(),
    insertLink: database.prepare('INSERT INTO memory_links (memory_id, position, target_id) VALUES (?, ?, ?)'),
    memoryExists: database.prepare('SELECT 1 FROM memories WHERE id = ?'),
  };
}
