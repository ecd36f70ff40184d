// The typed events of the agent loop and the runner. Recorders, progress displays, tracing and
// tests observe a run through these without touching the loop. Names are noun-verb.
import type { EpisodeContext } from './policy.js';
import type { EpisodeOutcome, StepRecord } from './trajectory.js';
import type { GuardVerdict } from './guard.js';
import type { MemoryRecord } from './memory-store.js';
import type { Observation } from './observation.js';
import type { ToolCall, ToolResult } from './tool.js';
import type { Prediction, PredictionComparison } from './world-model.js';

/** Payloads of the agent loop's events, by event name. */
export interface AgentEventPayloads {
  'episode-start': { readonly episode: EpisodeContext; readonly observation: Observation };
  'step-start': { readonly episode: EpisodeContext; readonly stepIndex: number; readonly observation: Observation };
  'tool-call': { readonly episode: EpisodeContext; readonly stepIndex: number; readonly call: ToolCall };
  'tool-result': { readonly episode: EpisodeContext; readonly stepIndex: number; readonly call: ToolCall; readonly result: ToolResult };
  'guard-verdict': { readonly episode: EpisodeContext; readonly stepIndex: number; readonly guard: string; readonly verdict: GuardVerdict<unknown> };
  /**
   * A step's action was sent to the environment, or refused (by a guard or the environment). Say
   * what was sent as `executedAction ?? action`: `action` is what the policy proposed.
   */
  action: {
    readonly episode: EpisodeContext;
    readonly stepIndex: number;
    /** The action the policy proposed. */
    readonly action: string;
    /**
     * The action sent to the environment instead, when guards replaced `action` with a different one
     * (as `HistoryEntry.executedAction`); absent when `action` itself was sent, or nothing was (a
     * guard refused it). When `accepted` is false and this is set, the environment refused this one.
     */
    readonly executedAction?: string;
    /** False when a guard or the environment refused the action (sent, or its replacement). */
    readonly accepted: boolean;
    /** The refusal message fed back to the policy, when `accepted` is false. */
    readonly feedback?: string;
  };
  /**
   * The attached world model's prediction for a step missed what really happened by at least the
   * agent's surprise threshold ("I expected X, Y happened").
   */
  'world-model-surprise': {
    readonly episode: EpisodeContext;
    readonly stepIndex: number;
    /** The world model's name. */
    readonly model: string;
    /** The action sent to the environment. */
    readonly action: string;
    readonly prediction: Prediction;
    /** What really came of the action. */
    readonly observation: Observation;
    readonly reward: number;
    readonly terminated: boolean;
    readonly comparison: PredictionComparison;
  };
  'step-end': { readonly episode: EpisodeContext; readonly step: StepRecord };
  'episode-end': { readonly episode: EpisodeContext; readonly outcome: EpisodeOutcome };
  /**
   * Reflections were written to the memory store (an `EpisodeReflection`), after the fact and off
   * the loop: at episode end (after `episode-end`), or in the middle of an episode once the summed
   * importance of new memories passed the threshold (steps later may already have run). The
   * memories carry the episode's provenance, so the trajectory's episode finds them again
   * (`MemoryStore.recall({ episodeId, kinds: ['reflection'] })`).
   */
  'reflection-write': {
    readonly episode: EpisodeContext;
    /** What started the reflection. */
    readonly trigger: 'episode-end' | 'importance-threshold';
    /** The last step reflected on (absent when the episode had no step). */
    readonly stepIndex?: number;
    /** The reflections as stored: ids, texts, links to their sources, provenance. */
    readonly reflections: readonly MemoryRecord[];
    /** Ids of the memories reflected on (each reflection's `links` name those it came from). */
    readonly sourceMemoryIds: readonly string[];
  };
  error: { readonly episode?: EpisodeContext; readonly error: Error };
}

/** Summary of a run so far, sent with `run-progress`. */
export interface RunProgress {
  readonly episodesRequested: number;
  readonly episodesFinished: number;
  readonly episodesInFlight: number;
  readonly successes: number;
  readonly stepsTaken: number;
  readonly elapsedMs: number;
}

/** Payloads of the runner's events, by event name. */
export interface RunEventPayloads {
  'run-start': { readonly runId?: number; readonly episodesRequested: number };
  'run-progress': RunProgress;
  'run-end': { readonly runId?: number; readonly progress: RunProgress; readonly status: 'finished' | 'aborted' | 'failed' };
}

/** Every event, as an eventemitter3 map of listener signatures. */
export type AgentEvents = {
  [Name in keyof (AgentEventPayloads & RunEventPayloads)]: (payload: (AgentEventPayloads & RunEventPayloads)[Name]) => void;
};
