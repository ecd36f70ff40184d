// The reflection contract: turns what happened in an episode (or since the last reflection) into
// higher-level `reflection` memories linked to the memories they came from. Results are plain data;
// a reflector that cannot reflect (a model error, unparsable output) returns no memories and a warning.
import type { MemoryRecord, NewMemory, Provenance } from './memory-store.js';
import type { EpisodeOutcome, StepRecord } from './trajectory.js';

/** What a reflector reflects on. */
export interface ReflectionInput {
  /** The memories written since the last reflection (or over the whole episode), oldest first. */
  readonly memories: readonly MemoryRecord[];
  /** The steps those memories came from, oldest first (actions, refusals, rewards). */
  readonly steps: readonly StepRecord[];
  /** The episode's outcome at episode end; absent for a reflection in the middle of an episode. */
  readonly outcome?: EpisodeOutcome;
  /** The task or mission of the episode, when it has one. */
  readonly mission?: string;
  /** Namespace the reflections are written to (the agent's, so its next attempt recalls them). */
  readonly namespace: string;
  /** Provenance given to the reflections (the run and episode reflected on). */
  readonly provenance?: Provenance;
  readonly signal?: AbortSignal;
}

/** What a reflector returns. */
export interface ReflectionResult {
  /** New memories of kind `reflection`, with `links` to ids in `input.memories`; may be empty. */
  readonly memories: readonly NewMemory[];
  /** Why nothing (or less) was reflected: a model error, output that did not parse. */
  readonly warnings: readonly string[];
}

/**
 * Writes lessons from experience (Generative Agents reflection, Reflexion). `reflect` does not
 * write to a store; the caller does. It resolves even when the reflection failed (with warnings);
 * it rejects only for programmer errors.
 */
export interface Reflector {
  /** `rule`, `language-model`, ... */
  readonly name: string;
  reflect(input: ReflectionInput): Promise<ReflectionResult>;
}
