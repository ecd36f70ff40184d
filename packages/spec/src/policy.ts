// Policies decide what to do. A policy begins each episode and returns an episode policy that
// holds that episode's state, so one policy serves many concurrent episodes.
import type { ActionSpace } from './action-space.js';
import type { Environment } from './environment.js';
import type { ChatMessage, GenerateResult, SamplingParameters } from './language-model.js';
import type { MemoryHit } from './memory-store.js';
import type { Observation } from './observation.js';
import type { Skill } from './skill.js';
import type { ToolBox, ToolDefinition } from './tool.js';

/** The episode a policy is asked to act in. */
export interface EpisodeContext {
  readonly runId?: number;
  /** Id of the recorded episode, when it is recorded. */
  readonly episodeId?: number;
  /** Position of the episode in its run, 0-based. */
  readonly episodeIndex: number;
  readonly seed: number;
  readonly environmentId: string;
  readonly mission?: string;
  readonly maxSteps: number;
  readonly signal: AbortSignal;
  /**
   * The environment itself, for privileged policies (an expert, a simulator planner).
   * Policies that stand for an agent's own knowledge must not read it.
   */
  readonly environment: Environment<any, any>;
}

/** What the perceive stage hands to the policy: the observation and what it brought to mind. */
export interface Percept<Obs extends Observation = Observation> {
  readonly observation: Obs;
  /** Memories recalled for this observation and mission. */
  readonly memories: readonly MemoryHit[];
  /**
   * Skills recalled by similarity to the mission, once per episode, when the agent recalls skills
   * (`AgentMemoryOptions.skills`); absent otherwise. Skill memories are then not among `memories`.
   */
  readonly skills?: readonly Skill[];
  /** Why the previous action did not take effect (invalid, denied), to correct it. */
  readonly feedback?: string;
  /**
   * Set when guards replaced the previous action and the replacement took effect: what was sent
   * instead of the proposed action, and why (`Your action "wait" was replaced by "right" by guard
   * no-waiting: keep moving.`). The observation is the replacement's outcome. A policy that keeps a
   * transcript (a language model's conversation) should put this in it, or the transcript says the
   * proposed action was taken. (When the replacement was refused, this text opens `feedback` instead.)
   */
  readonly rewriteNote?: string;
}

/** One earlier step of the episode, as a policy sees it. */
export interface HistoryEntry<Act = string> {
  readonly stepIndex: number;
  readonly observationText: string;
  /** The action the policy proposed. */
  readonly action: Act;
  /**
   * The action sent to the environment instead, when guards replaced `action` with a different one
   * (`Percept.rewriteNote` says so); absent when `action` itself was sent, or nothing was (a guard
   * refused it). What the world did is the outcome of `executedAction ?? action`: a policy that
   * learns from the history (a world model of transitions) must learn under that one.
   */
  readonly executedAction?: Act;
  /** False when the environment or a guard refused the action (sent, or its replacement). */
  readonly accepted: boolean;
  readonly feedback?: string;
  readonly reward: number;
}

/** Everything a policy may use to decide one step. */
export interface DecisionInput<Obs extends Observation = Observation, Act = string> {
  readonly stepIndex: number;
  readonly percept: Percept<Obs>;
  readonly history: readonly HistoryEntry<Act>[];
  readonly actionSpace: ActionSpace<Act>;
  /** Tools this agent may call, any number of times, before deciding. */
  readonly tools: ToolBox;
  readonly signal: AbortSignal;
}

/** One call to a language model made while deciding, recorded with the step. */
export interface ModelCallRecord {
  /** The backend that answered (its `provider` and `modelId`). */
  readonly model?: { readonly provider: string; readonly modelId: string };
  /** ms since the epoch when the request was sent (its duration is `result.timings.totalMs`). */
  readonly startedAt?: number;
  readonly messages: readonly ChatMessage[];
  /** The tools offered, as the model was shown them (decoding-only narrowing left out): exports need their schemas. */
  readonly tools?: readonly ToolDefinition[];
  readonly sampling?: SamplingParameters;
  readonly result: GenerateResult;
}

/** A policy's decision for one step. */
export interface Decision<Act = string> {
  readonly action: Act;
  /** The policy's stated reason, when it gave one. */
  readonly reasoning?: string;
  /** Model calls made for this decision (empty for policies without a model). */
  readonly modelCalls?: readonly ModelCallRecord[];
  /** Policy-specific, JSON-serialisable details recorded with the step. */
  readonly info?: Record<string, unknown>;
}

/** How an episode ended, as its policy is told: what the last step brought, for policies that learn. */
export interface EpisodeEnding<Obs extends Observation = Observation, Act = string> {
  readonly status: 'finished' | 'aborted' | 'failed';
  /** Whether the environment reported success (`info.success`). */
  readonly success: boolean;
  /** The observation after the last step (the first observation when no step was taken). */
  readonly observation: Obs;
  /** The last step's outcome; absent when the episode ended before any step. */
  readonly lastStep?: {
    readonly reward: number;
    readonly terminated: boolean;
    /** Truncated by the environment or by the agent's step limit. */
    readonly truncated: boolean;
    /** False when the environment or a guard refused the last action (the state did not change). */
    readonly accepted: boolean;
    /** The action sent instead of the proposed one when guards replaced it, as in `HistoryEntry.executedAction`. */
    readonly executedAction?: Act;
  };
}

/** A policy's state for one episode. */
export interface EpisodePolicy<Obs extends Observation = Observation, Act = string> {
  decide(input: DecisionInput<Obs, Act>): Promise<Decision<Act>>;
  /**
   * Called once when the episode ends, however it ends. `ending` (absent when the episode failed
   * before its first observation) carries the last step's outcome, which no `decide` call sees.
   */
  end?(ending?: EpisodeEnding<Obs, Act>): void | Promise<void>;
}

/** Something that chooses actions: random, expert, a language model, a planner. */
export interface Policy<Obs extends Observation = Observation, Act = string> {
  /** Recorded with runs (`random`, `expert`, `llm:qwen2.5-7b`). */
  readonly name: string;
  begin(episode: EpisodeContext): EpisodePolicy<Obs, Act> | Promise<EpisodePolicy<Obs, Act>>;
}
