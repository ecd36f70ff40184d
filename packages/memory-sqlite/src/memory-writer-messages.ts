// The messages between a memory store and its writer thread (memory-writer-thread.ts, memory-writer.worker.ts).
import type { PreparedMemoryChunk } from './prepared-memory-chunk.js';

/** What the writer thread is started with (`workerData`). */
export interface WriterThreadData {
  /** URL of the TypeScript entry (loaded by typescript-worker.mjs). */
  readonly entry: string;
  /** The store's database file. */
  readonly path: string;
  /** The file as error messages name it. */
  readonly location: string;
}

/**
 * A store → thread message: one chunk of a batch (its first opens the transaction, its last commits
 * it); the end of a batch whose remaining chunks will not come (it is rolled back); close.
 */
export type ToWriterThread =
  | { readonly type: 'chunk'; readonly job: number; readonly first: boolean; readonly last: boolean; readonly chunk: PreparedMemoryChunk }
  | { readonly type: 'abort'; readonly job: number }
  | { readonly type: 'close' };

/** An error as it crosses the thread boundary (a structured clone keeps no class). */
export interface TransportedError {
  readonly name: string;
  readonly message: string;
  /** SQLite's result code (`SQLITE_BUSY`), or a worldloop error's code. */
  readonly code: string | undefined;
  /** A worldloop error's details. */
  readonly details: Record<string, unknown> | undefined;
}

/** A thread → store message: the connection is open (or could not be opened), a batch committed (or failed). */
export type FromWriterThread =
  | { readonly type: 'ready' }
  | { readonly type: 'unavailable'; readonly error: TransportedError }
  | { readonly type: 'committed'; readonly job: number; readonly firstId: number }
  | { readonly type: 'failed'; readonly job: number; readonly error: TransportedError };

/** `error` as it can be posted to the other thread. */
export function transportError(error: unknown): TransportedError {
  const value = error as { name?: unknown; message?: unknown; code?: unknown; details?: unknown } | null;
  return {
    name: typeof value?.name === 'string' ? value.name : 'Error',
    message: typeof value?.message === 'string' ? value.message : String(error),
    code: typeof value?.code === 'string' ? value.code : undefined,
    details: typeof value?.details === 'object' && value.details !== null ? (value.details as Record<string, unknown>) : undefined,
  };
}
