// Bulk loading: writes a stream of batches to any MemoryStore with a few writes in flight at once, so
// that a store with a writer thread embeds one batch while it commits another.
import { ConfigError, StoreError, type MemoryRecord, type MemoryStore, type NewMemory } from '@worldloop/spec';

/** How `writeMemoryBatches` writes. */
export interface WriteMemoryBatchesOptions {
  /**
   * Most writes in progress at once (default 2: with `writer: 'thread'`, one batch is embedded and
   * prepared while the one before is committed; more adds little).
   */
  readonly inFlight?: number;
  /**
   * Called as each batch is committed, with its records and its position in `batches` (batches may
   * commit out of order). If it throws, no batch is started after that, it is not called again, and
   * `writeMemoryBatches` rethrows its error once the writes in progress have finished.
   */
  readonly onWritten?: (records: readonly MemoryRecord[], batchIndex: number) => void;
}

/**
 * Writes every batch of `batches` (each one `store.write` call, all or nothing), keeping up to
 * `inFlight` writes in progress, and returns the number of memories written. On the first failure it
 * starts no more batches, waits for the writes in progress, and throws a StoreError naming the batch
 * that failed and saying which batches were committed (details `failedBatch`, `committedBatches`),
 * with the store's error as its cause.
 */
export async function writeMemoryBatches(
  store: Pick<MemoryStore, 'write'>,
  batches: Iterable<readonly NewMemory[]> | AsyncIterable<readonly NewMemory[]>,
  options: WriteMemoryBatchesOptions = {},
): Promise<number> {
  const inFlight = options.inFlight ?? 2;
  if (!Number.isSafeInteger(inFlight) || inFlight < 1) {
    throw new ConfigError(`writeMemoryBatches option inFlight is ${JSON.stringify(inFlight)}; use a whole number ≥ 1 (default 2).`, { details: { option: 'inFlight', value: inFlight } });
  }
  const running = new Set<Promise<void>>();
  const committed: number[] = [];
  let written = 0;
  let failure: { readonly batchIndex: number; readonly error: unknown } | undefined;
  let callbackFailure: { readonly error: unknown } | undefined;
  const start = (batch: readonly NewMemory[], index: number) => {
    // A write that throws before returning a promise counts as a failed batch, like one that rejects.
    const write: Promise<void> = new Promise<readonly MemoryRecord[]>((resolve) => resolve(store.write(batch)))
      .then(
        (records) => {
          written += records.length;
          committed.push(index);
          if (callbackFailure !== undefined) return;
          try {
            options.onWritten?.(records, index);
          } catch (error) {
            callbackFailure = { error };
          }
        },
        (error: unknown) => {
          failure ??= { batchIndex: index, error };
        },
      )
      .finally(() => running.delete(write));
    running.add(write);
  };
  const stopped = () => failure !== undefined || callbackFailure !== undefined;
  let batchIndex = 0;
  try {
    for await (const batch of batches) {
      // A failure may have come while the source was awaited: this batch is not written.
      if (stopped()) break;
      start(batch, batchIndex++);
      if (running.size >= inFlight) await Promise.race(running);
      if (stopped()) break;
    }
  } finally {
    // Also when `batches` itself throws: no write is left running behind the caller's back.
    await Promise.allSettled(running);
  }
  if (failure !== undefined) {
    const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
    committed.sort((a, b) => a - b);
    throw new StoreError(
      `Batch ${failure.batchIndex} could not be written, and no batch was started after it failed: ${reason} ${committed.length} batches (${written} memories) were committed: ${describeIndices(committed)}.`,
      { cause: failure.error, details: { failedBatch: failure.batchIndex, committedBatches: committed, memoriesWritten: written } },
    );
  }
  if (callbackFailure !== undefined) throw callbackFailure.error;
  return written;
}

/** `0-3, 5, 7-8` for [0, 1, 2, 3, 5, 7, 8]; `none` for []. */
function describeIndices(sorted: readonly number[]): string {
  if (sorted.length === 0) return 'none';
  const ranges: string[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    ranges.push(end === start ? String(sorted[start]) : `${sorted[start]}-${sorted[end]}`);
    start = end + 1;
  }
  return ranges.join(', ');
}
