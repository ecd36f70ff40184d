// The reference memory store runs the MemoryStore conformance suite.
import { InMemoryMemoryStore } from './in-memory-memory-store.js';
import { describeMemoryStoreConformance } from './memory-store-conformance.js';

describeMemoryStoreConformance('InMemoryMemoryStore', ({ embeddingDimension }) => new InMemoryMemoryStore({ embeddingDimension }));
