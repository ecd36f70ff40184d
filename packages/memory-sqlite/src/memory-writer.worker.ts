// The writer thread's entry: opens its own connection to the store's file and writes the batches the
// store posts, chunk by chunk, one IMMEDIATE transaction per batch. It never waits on the store's
// thread while it holds the write lock: a batch's chunks are all posted in one synchronous run.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openSqliteDatabase } from '@worldloop/sqlite';
import { loadSqliteVec } from './load-sqlite-vec.js';
import { MemoryBatchWriter } from './memory-batch-writer.js';
import { transportError, type FromWriterThread, type ToWriterThread, type WriterThreadData } from './memory-writer-messages.js';

const port = parentPort!;
const { path, location } = workerData as WriterThreadData;
const post = (message: FromWriterThread) => port.postMessage(message);

let database: Database.Database | undefined;
let writer: MemoryBatchWriter;
try {
  // The store made and migrated the file: a path that names no file now is an error, not a new file.
  database = new Database(path, { fileMustExist: true });
  openSqliteDatabase({ database });
  loadSqliteVec(database);
  writer = new MemoryBatchWriter(database, location);
  post({ type: 'ready' });
} catch (error) {
  database?.close();
  post({ type: 'unavailable', error: transportError(error) });
  port.close();
}

/** The batch that failed: its remaining chunks are dropped as they arrive. */
let failedJob: number | undefined;
/** First id of the open batch. */
let firstId = 0;

port.on('message', (message: ToWriterThread) => {
  if (message.type === 'close') {
    database?.close();
    port.close();
    return;
  }
  if (message.type === 'abort') {
    if (failedJob !== message.job) writer.rollback();
    failedJob = message.job;
    return;
  }
  const { job, first, last, chunk } = message;
  if (!first && failedJob === job) return;
  try {
    if (first) firstId = writer.begin();
    writer.add(chunk);
    if (last) {
      writer.commit();
      post({ type: 'committed', job, firstId });
    }
  } catch (error) {
    writer.rollback();
    failedJob = job;
    post({ type: 'failed', job, error: transportError(error) });
  }
});
