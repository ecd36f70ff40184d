// The one trajectory schema: runs, episodes and steps exactly as they happened. Every export
// format is derived from these records; fields filled by later capabilities may stay empty.
import type { GuardVerdict } from './guard.js';
import type { Info } from './environment.js';
import type { JsonValue } from './json.js';
import type { Observation } from './observation.js';
import type { ModelCallRecord } from './policy.js';
import type { ToolCall, ToolResult } from './tool.js';
import type { Prediction } from './world-model.js';

/**
 * An observation as stored: the same fields as `Observation`, but plain data (no getters, no
 * references back into the environment), safe to serialise.
 */
export type ObservationRecord = Observation;

/** A memory read or written at a step. */
export interface MemoryReference {
  readonly id: string;
  /** Recall score, for reads. */
  readonly score?: number;
}

/** A tool call made during a step, with its result. */
export interface ToolCallRecord {
  readonly call: ToolCall;
  readonly result: ToolResult;
}

/** A guard's verdict on a step's action. */
export interface GuardRecord {
  readonly guard: string;
  readonly verdict: GuardVerdict<unknown>;
}

/** Time spent in each stage of the step, in milliseconds. */
export interface StepTimings {
  readonly perceiveMs: number;
  readonly planMs: number;
  readonly actMs: number;
  readonly rememberMs: number;
}

/** One step of an episode: what was seen, decided, done, and what came of it. */
export interface StepRecord {
  readonly stepIndex: number;
  /** The observation the decision was made on. */
  readonly observation: ObservationRecord;
  /** The action the policy proposed. */
  readonly action: string;
  /** The action sent to the environment after guards (absent when none was sent). */
  readonly executedAction?: string;
  /** False when the environment or a guard refused the action; the state did not change. */
  readonly accepted: boolean;
  /** The refusal message fed back to the policy. */
  readonly feedback?: string;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Info;
  readonly reasoning?: string;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly modelCalls: readonly ModelCallRecord[];
  readonly guardVerdicts: readonly GuardRecord[];
  /** Memories recalled for this step (ids and scores). */
  readonly memoryReads: readonly MemoryReference[];
  /** Memories written at this step. */
  readonly memoryWrites: readonly MemoryReference[];
  /** What the attached world model predicted for this action, and how far off it was. */
  readonly worldModel?: { readonly name: string; readonly prediction: Prediction; readonly error?: Record<string, number> };
  /** Policy-specific details. */
  readonly policyInfo?: Record<string, unknown>;
  readonly timings: StepTimings;
  /** ms since the epoch when the step started. */
  readonly startedAt: number;
}

/** Run status over its life. `running` after a crash means it was interrupted. */
export type RunStatus = 'running' | 'finished' | 'aborted' | 'failed';

/** Fields given when a run starts. */
export interface NewRun {
  readonly environmentId: string;
  readonly policy: string;
  readonly episodesRequested: number;
  readonly baseSeed: number;
  readonly concurrency: number;
  readonly maxSteps?: number;
  /** Everything needed to run it again (CLI flags, model spec), JSON. */
  readonly config: JsonValue;
  readonly worldloopVersion: string;
  readonly gitCommit?: string;
  /**
   * The process writing the run, opaque to the store (the SQLite store's callers record host, pid
   * and process start time), so that a resume can tell a live writer from a dead one.
   */
  readonly writer?: string;
}

/** A recorded run. */
export interface RunRecord extends NewRun {
  readonly id: number;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** What `claimRun` takes: the new writer, and the writer and status the caller saw. */
export interface RunClaim {
  readonly writer: string;
  /** The run's writer when the caller read it (absent when none was recorded). */
  readonly previousWriter?: string;
  /** The run's status when the caller read it. */
  readonly previousStatus: RunStatus;
}

/**
 * Episode status. `running` in a run whose writer died means the process died during it; a resume
 * ends such episodes as `aborted` (error: why) and re-runs their index as a new attempt.
 */
export type EpisodeStatus = 'running' | 'finished' | 'aborted' | 'failed';

/** Fields given when an episode starts. */
export interface NewEpisode {
  readonly runId: number;
  readonly episodeIndex: number;
  readonly seed: number;
  readonly environmentId: string;
  readonly mission?: string;
}

/** How an episode ended. */
export interface EpisodeOutcome {
  readonly status: Exclude<EpisodeStatus, 'running'>;
  /** Whether the task was achieved (`info.success` of the last step; false when unknown). */
  readonly success: boolean;
  readonly totalReward: number;
  readonly stepCount: number;
  /** Steps whose action was refused (by the environment or a guard). */
  readonly invalidActionCount: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** The observation after the last step. */
  readonly finalObservation?: ObservationRecord;
  /** The error message, for failed episodes. */
  readonly error?: string;
}

/** A recorded episode. */
export interface EpisodeRecord extends NewEpisode, Partial<Omit<EpisodeOutcome, 'status'>> {
  readonly id: number;
  /** 1 for the first start of this episode index in its run, 2 for its re-run on a resume, ... */
  readonly attempt?: number;
  readonly status: EpisodeStatus;
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** Which episodes to list. */
export interface EpisodeFilter {
  readonly runId?: number;
  readonly environmentId?: string;
  readonly success?: boolean;
  readonly status?: EpisodeStatus;
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * Durable storage of trajectories. The unit of durability is the finished episode: datasets are
 * made of finished episodes, and an interrupted episode is re-run from its seed on resume, so its
 * last few steps are worth less than a commit per step.
 *
 * - `appendStep` validates the step at once (a bad step, an unknown or ended episode, a repeated
 *   or out-of-order `stepIndex` reject that call) but may buffer it: its promise resolves when the
 *   step is accepted. Steps of an episode are appended in order, `stepIndex` 0, 1, 2, ...
 * - `endEpisode` resolves once the episode's end and all its steps are durable; `flush()` and
 *   `close()` once every step appended so far is. Every other write is durable when its promise
 *   resolves. Reads see every step appended before them through the same store.
 * - So a killed process loses at most the last few steps appended (each implementation states
 *   how many), all of episodes not yet ended; every ended episode is complete.
 */
export interface TrajectoryStore {
  createRun(run: NewRun): Promise<RunRecord>;
  endRun(runId: number, status: Exclude<RunStatus, 'running'>): Promise<void>;
  startEpisode(episode: NewEpisode): Promise<EpisodeRecord>;
  appendStep(episodeId: number, step: StepRecord): Promise<void>;
  endEpisode(episodeId: number, outcome: EpisodeOutcome): Promise<void>;
  getRun(runId: number): Promise<RunRecord | undefined>;
  listRuns(options?: { limit?: number }): Promise<readonly RunRecord[]>;
  getEpisode(episodeId: number): Promise<EpisodeRecord | undefined>;
  listEpisodes(filter?: EpisodeFilter): Promise<readonly EpisodeRecord[]>;
  /** Steps of one episode in order, streamed. */
  readSteps(episodeId: number): AsyncIterable<StepRecord>;
  /**
   * Resume, step 1: makes `claim.writer` the run's writer and its status `running` again, if its
   * writer and status are still those the caller read (compare-and-swap: of two processes claiming
   * one run, one wins). Rejects with StoreError when the run does not exist or changed since.
   * Optional: a store without it cannot resume runs.
   */
  claimRun?(runId: number, claim: RunClaim): Promise<RunRecord>;
  /**
   * Resume, step 2: ends every `running` episode of the run as `aborted` with `reason` as its
   * error (their writer died), and returns how many it ended. Call it only after `claimRun`.
   */
  abortRunningEpisodes?(runId: number, reason: string): Promise<number>;
  /**
   * Resume, step 3: the episode indices in [0, episodesRequested) of the run that no attempt
   * ended as `finished` or `failed`, ascending: what a resume re-runs, from the same seeds.
   */
  listPendingEpisodeIndices?(runId: number): Promise<readonly number[]>;
  /** Commits buffered writes; resolves when everything appended so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
