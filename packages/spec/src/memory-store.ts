// The episodic memory contract: records with provenance back to trajectory steps, scored recall.
// Every hit says why it was returned (its component scores).
import type { JsonValue } from './json.js';

/** What a memory is. */
export type MemoryKind = 'observation' | 'action-outcome' | 'reflection' | 'fact' | 'skill';

/** Where a memory came from in the recorded trajectories. */
export interface Provenance {
  readonly runId?: number;
  readonly episodeId?: number;
  readonly stepIndex?: number;
}

/** A memory to write. */
export interface NewMemory {
  readonly kind: MemoryKind;
  /** What is remembered, in words; not empty. */
  readonly text: string;
  /** Structured content (an action sequence for a skill, the source ids of a reflection). */
  readonly payload?: JsonValue;
  /** 0..1; how much it matters (reflections and failures score high). Default 0.5. */
  readonly importance?: number;
  /** Who may recall it: an agent, an environment or a task (`agent:alice`, `task:UnlockPickup`). */
  readonly namespace: string;
  readonly provenance?: Provenance;
  /** Ids of memories already stored that this one was derived from (reflections). */
  readonly links?: readonly string[];
  /** Time of the memory in ms since the epoch; now when absent. */
  readonly createdAt?: number;
  /**
   * A precomputed embedding of `text`, of the store's dimension; the store's embedder embeds
   * `text` when absent. Stores keep it normalised to unit length.
   */
  readonly embedding?: ArrayLike<number>;
}

/** A stored memory (its embedding is kept by the store, not returned). */
export interface MemoryRecord extends Omit<NewMemory, 'embedding'> {
  readonly id: string;
  readonly importance: number;
  readonly createdAt: number;
}

/**
 * Relative weights of the recall components. Each component is first min-max normalised to 0..1
 * over the candidate set, then `score = Σ weight × component / Σ weight`. A weight of 0 leaves the
 * component out (its candidates are not searched for). All weights 0 is an error.
 */
export interface RecallWeights {
  /** Full-text relevance (bm25 or the store's equivalent) of the query text. */
  readonly lexical?: number;
  /** Cosine similarity of the query's embedding. */
  readonly vector?: number;
  /** Exponential decay with the memory's age. */
  readonly recency?: number;
  /** The memory's importance. */
  readonly importance?: number;
}

/** A recall request. Absent filters do not filter; an empty list matches nothing. */
export interface RecallQuery {
  /** What to recall memories about; not empty when given. Absent: by recency and importance only. */
  readonly text?: string;
  /** A query embedding for the vector component, instead of embedding `text`. */
  readonly embedding?: ArrayLike<number>;
  /** Only these namespaces; a namespace nothing was written to matches nothing. */
  readonly namespaces?: readonly string[];
  readonly kinds?: readonly MemoryKind[];
  /** Only memories whose provenance has this episode id. */
  readonly episodeId?: number;
  /** Only memories created at or after `since` and before `until` (ms since the epoch). */
  readonly since?: number;
  readonly until?: number;
  /** Most hits returned (the store's default when absent). */
  readonly limit?: number;
  /** Overrides the store's default weights, component by component. */
  readonly weights?: RecallWeights;
}

/** A recalled memory with the scores that ranked it. */
export interface MemoryHit {
  readonly record: MemoryRecord;
  /** Σ weight × component / Σ weight, 0..1; hits come highest first. */
  readonly score: number;
  /** Each component normalised to 0..1 over the candidates of this recall. */
  readonly components: Readonly<Required<RecallWeights>>;
}

/**
 * Episodic memory an agent writes to and recalls from. Programmer errors (empty text, importance
 * outside 0..1, an embedding of the wrong length, a link to a memory that does not exist) reject
 * with a `StoreError` and write nothing of the batch.
 */
export interface MemoryStore {
  /** Stores the memories, all or none, and returns them with their ids, in order. */
  write(memories: readonly NewMemory[]): Promise<readonly MemoryRecord[]>;
  /** The memories that match the filters, best first, at most `limit`. */
  recall(query: RecallQuery): Promise<readonly MemoryHit[]>;
  /**
   * The memories with these ids (as `write` returned them and trajectories record them), in the
   * order asked, each once; ids the store does not hold are left out. For tracing a step's memory
   * reads and writes back to their texts. Not filtered by namespace: an id is something the caller
   * already holds, from a write or a trajectory; agents find memories through `recall`.
   */
  get(ids: readonly string[]): Promise<readonly MemoryRecord[]>;
  close(): Promise<void>;
}
