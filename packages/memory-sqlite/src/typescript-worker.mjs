// Entry of a worker thread whose real entry is TypeScript source (this package ships .ts): imports
// `workerData.entry`; where no TypeScript loader is active in this thread (vitest's own transform
// does not reach worker threads, plain `node` has none), it registers tsx's first, then imports it.
// Node ≥ 22.18 strips types itself but does not map the sources' `.js` imports to `.ts` files (nor
// strip under node_modules): those failures, too, mean "no TypeScript loader". They all come while
// the module graph is loaded, before any of it runs, so importing it again through tsx is safe.
import { workerData } from 'node:worker_threads';

/** Errors of loading TypeScript without a loader that can. */
const noTypeScriptLoader = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_INVALID_TYPESCRIPT_SYNTAX',
]);

const entry = workerData.entry;
try {
  await import(entry);
} catch (error) {
  if (!noTypeScriptLoader.has(error?.code)) throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import(`${entry}?loader=tsx`);
}
