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
  readonly text: string;
  /** Structured content (an action sequence for a skill, the source ids of a reflection). */
  readonly payload?: JsonValue;
  /** 0..1; how much it matters (reflections and failures score high). */
  readonly importance?: number;
  /** Who may recall it: an agent, an environment or a task (`agent:alice`, `task:UnlockPickup`). */
  readonly namespace: string;
  readonly provenance?: Provenance;
  /** Ids of the memories this one was derived from (reflections). */
  readonly links?: readonly string[];
  /** Time of the memory in ms since the epoch; now when absent. */
  readonly createdAt?: number;
}

/** A stored memory. */
export interface MemoryRecord extends NewMemory {
  readonly id: string;
  readonly importance: number;
  readonly createdAt: number;
}

/** Relative weights of the recall components (each component is normalised to 0..1 first). */
export interface RecallWeights {
  readonly lexical?: number;
  readonly vector?: number;
  readonly recency?: number;
  readonly importance?: number;
}

/** A recall request. */
export interface RecallQuery {
  readonly text?: string;
  readonly namespaces?: readonly string[];
  readonly kinds?: readonly MemoryKind[];
  readonly episodeId?: number;
  /** Only memories created at or after / before these times (ms since the epoch). */
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
  readonly weights?: RecallWeights;
}

/** A recalled memory with the scores that ranked it. */
export interface MemoryHit {
  readonly record: MemoryRecord;
  readonly score: number;
  readonly components: Readonly<Required<RecallWeights>>;
}

/** Episodic memory an agent writes to and recalls from. */
export interface MemoryStore {
  write(memories: readonly NewMemory[]): Promise<readonly MemoryRecord[]>;
  recall(query: RecallQuery): Promise<readonly MemoryHit[]>;
  close(): Promise<void>;
}
