// Public surface of @worldloop/memory-sqlite: the SQLite memory store and the built-in embedder.
export { HashedEmbedder, defaultHashedEmbeddingDimension, type HashedEmbedderOptions } from './hashed-embedder.js';
export { matchExpression } from './match-expression.js';
export { defaultRecallWeights } from './recall-ranking.js';
export { SqliteMemoryStore, type RecencyOptions, type SqliteMemoryRecallOptions, type SqliteMemoryStoreOptions } from './sqlite-memory-store.js';
export { writeMemoryBatches, type WriteMemoryBatchesOptions } from './write-memory-batches.js';
