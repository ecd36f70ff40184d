// The store's side of its writer thread: starts the worker, posts each batch's chunks, and settles
// each write when the thread reports its commit or its failure. While the thread inserts one chunk,
// the store's thread prepares the next (and embeds the next batch, when writes overlap).
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StoreError } from '@worldloop/spec';
import { chunkTransferables, type PreparedMemoryChunk } from './prepared-memory-chunk.js';
import type { FromWriterThread, ToWriterThread, TransportedError, WriterThreadData } from './memory-writer-messages.js';

/** The writer thread's TypeScript entry. */
const writerEntry = new URL('./memory-writer.worker.ts', import.meta.url);
/** Loads a TypeScript entry in a worker thread. */
const typescriptWorker = new URL('./typescript-worker.mjs', import.meta.url);

interface PendingWrite {
  readonly resolve: (firstId: number) => void;
  readonly reject: (error: Error) => void;
  readonly written: Promise<number>;
}

/**
 * A worker thread with its own connection to a memory store's file, that writes batches of prepared
 * chunks in the order they are posted. `write` resolves with the batch's first id once it is
 * committed, and rejects with the thread's error (the batch rolled back) otherwise.
 */
export class MemoryWriterThread {
  readonly #worker: Worker;
  readonly #location: string;
  readonly #pending = new Map<number, PendingWrite>();
  readonly #exited: Promise<void>;
  #nextJob = 1;
  /** Why the thread can take no more writes (it stopped, or could not open the file). */
  #stopped: StoreError | undefined;
  #closing = false;

  /**
   * Starts the thread on the file at `path` (a migrated memory store; an absolute path, as the thread
   * opens it later, and it never creates it). `entry` replaces the thread's
   * entry (a test's stand-in).
   */
  constructor(path: string, location: string, entry: URL = writerEntry) {
    this.#location = location;
    const data: WriterThreadData = { entry: entry.href, path, location };
    this.#worker = new Worker(typescriptWorker, { workerData: data });
    this.#worker.unref();
    this.#worker.on('message', (message: FromWriterThread) => this.#receive(message));
    this.#worker.on('error', (error) => this.#stop(`it failed: ${error.message}`, error));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        if (!this.#closing || this.#pending.size > 0) this.#stop(`it exited with code ${code}`);
        resolve();
      });
    });
  }

  /**
   * Posts the chunks of one batch (all of them now: chunks are prepared as they are taken from
   * `chunks`, while the thread inserts the ones before) and resolves with the batch's first id once
   * the thread has committed it. Refused (StoreError) once the thread stopped or `close` was called.
   */
  write(chunks: Iterable<PreparedMemoryChunk>): Promise<number> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    // Once closing, the thread may have stopped already: a write posted to it would never settle.
    if (this.#closing) {
      return Promise.reject(
        new StoreError(`The writer thread of memory store ${this.#location} is closed; open a new store to write.`, { details: { path: this.#location, reason: 'writer-thread-closed' } }),
      );
    }
    const job = this.#nextJob++;
    let settle: Omit<PendingWrite, 'written'> | undefined;
    const written = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    this.#pending.set(job, { ...settle!, written });
    if (this.#pending.size === 1) this.#worker.ref();
    let previous: PreparedMemoryChunk | undefined;
    let first = true;
    const post = (chunk: PreparedMemoryChunk, last: boolean) => {
      const message: ToWriterThread = { type: 'chunk', job, first, last, chunk };
      this.#worker.postMessage(message, chunkTransferables(chunk));
      first = false;
    };
    try {
      for (const chunk of chunks) {
        if (previous !== undefined) post(previous, false);
        previous = chunk;
      }
      if (previous === undefined) throw new Error('a memory batch needs at least one chunk');
      post(previous, true);
    } catch (error) {
      // The thread may hold the batch's transaction open, waiting for the rest: end it.
      if (!first) this.#worker.postMessage({ type: 'abort', job } satisfies ToWriterThread);
      this.#settle(job, undefined, error instanceof Error ? error : new Error(String(error)));
    }
    return written;
  }

  /** Waits for the writes posted, then closes the thread's connection and stops it. */
  async close(): Promise<void> {
    if (this.#closing) return this.#exited;
    this.#closing = true;
    await Promise.allSettled([...this.#pending.values()].map((pending) => pending.written));
    const message: ToWriterThread = { type: 'close' };
    this.#worker.postMessage(message);
    this.#worker.ref();
    await this.#exited;
  }

  #receive(message: FromWriterThread): void {
    if (message.type === 'ready') return;
    if (message.type === 'unavailable') {
      this.#stop(`it could not open the file: ${message.error.message}`, rebuildError(message.error));
      return;
    }
    if (message.type === 'committed') this.#settle(message.job, message.firstId);
    else this.#settle(message.job, undefined, rebuildError(message.error));
  }

  /** Resolves (with the first id) or rejects a write, once. */
  #settle(job: number, firstId: number | undefined, error?: Error): void {
    const pending = this.#pending.get(job);
    if (pending === undefined) return;
    this.#pending.delete(job);
    if (this.#pending.size === 0) this.#worker.unref();
    if (error === undefined) pending.resolve(firstId!);
    else pending.reject(error);
  }

  /** Marks the thread stopped and rejects the writes not yet confirmed. */
  #stop(reason: string, cause?: unknown): void {
    this.#stopped ??= new StoreError(
      `The writer thread of memory store ${this.#location} stopped (${reason}); writes it had not confirmed were most likely not committed (a batch is all or nothing). Close the store and open it again.`,
      { cause, details: { path: this.#location, reason: 'writer-thread-stopped' } },
    );
    for (const pending of this.#pending.values()) pending.reject(this.#stopped);
    this.#pending.clear();
    this.#worker.unref();
  }
}

/**
 * The thread's error on this side, as the inline writer would have thrown it: a StoreError as such,
 * SQLite's error as better-sqlite3's SqliteError with its code (for `storeFailure` and for callers
 * that test the cause's class), anything else an Error with its name and code.
 */
function rebuildError(transported: TransportedError): Error {
  if (transported.name === 'StoreError') return new StoreError(transported.message, { details: transported.details ?? {} });
  if (transported.name === 'SqliteError' && transported.code !== undefined) return new Database.SqliteError(transported.message, transported.code);
  const error = new Error(transported.message) as Error & { code?: string };
  error.name = transported.name;
  if (transported.code !== undefined) error.code = transported.code;
  return error;
}
