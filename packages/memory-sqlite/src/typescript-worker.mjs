// Entry of a worker thread whose real entry is TypeScript source (this package ships .ts): imports
// `workerData.entry`; where no TypeScript loader is active in this thread (vitest's own transform
// does not reach worker threads, plain `node` has none), it registers tsx's first, then imports it.
import { workerData } from 'node:worker_threads';

const entry = workerData.entry;
try {
  await import(entry);
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import(`${entry}?loader=tsx`);
}
