// The environment contract, after Gymnasium: seeded reset, step with terminated vs truncated,
// optional exact snapshot / restore, and an optional expert. Everything else is a wrapper.
import type { ActionSpace } from './action-space.js';
import type { Observation } from './observation.js';
import type { VectorEnvironment } from './vector-environment.js';

/** Free-form, JSON-serialisable diagnostics returned with a reset or a step. */
export type Info = Record<string, unknown>;

/** Options of `reset`. */
export interface ResetOptions {
  /** Seeds all randomness of the episode; the same seed and actions give the same observations. */
  readonly seed?: number;
  /** A task variant within the environment, when it has several. */
  readonly task?: string;
  /**
   * Steps the caller allows this episode (a positive integer): the runner's or agent's limit. An
   * environment with a step limit of its own truncates at the smaller of the two, reports that one
   * as `maxSteps`, and states that one wherever it tells the agent its budget. It still scores the
   * episode against its own limit and leaves the first observation as it is, so rewards and the
   * start of an episode do not depend on the caller's budget (episodes of one task recorded under
   * different budgets still pair up in exports). An environment that cannot honour it (a remote
   * one) may ignore it: the caller ends the episode at its limit anyway.
   */
  readonly maxSteps?: number;
}

/** What `reset` returns. */
export interface ResetResult<Obs = Observation> {
  readonly observation: Obs;
  readonly info: Info;
}

/** What `step` returns. */
export interface StepResult<Obs = Observation> {
  readonly observation: Obs;
  readonly reward: number;
  /** The episode reached a terminal state of the task (success or failure). */
  readonly terminated: boolean;
  /** The episode was cut short from outside the task (a step limit). */
  readonly truncated: boolean;
  /** Diagnostics. Environments with a notion of success set `info.success` (boolean) at the end. */
  readonly info: Info;
}

/** An exact, JSON-serialisable copy of an environment's state. */
export interface EnvSnapshot {
  /** The environment id the snapshot came from; `restore` refuses others. */
  readonly environmentId: string;
  /** Version of the snapshot format. */
  readonly version: number;
  readonly data: unknown;
}

/**
 * A world an agent acts in. `step` rejects an invalid action with `InvalidActionError`
 * and leaves the state unchanged; stepping before `reset` or after the episode ended throws
 * `EnvironmentStateError`.
 */
export interface Environment<Obs extends Observation = Observation, Act = string> {
  /** Registered id with a version, e.g. `gridworld/GoToLocal-v0`. */
  readonly id: string;
  readonly actionSpace: ActionSpace<Act>;
  /**
   * Steps after which the environment truncates an episode, when it has such a limit; after a
   * reset, the limit of that episode (its own, or the reset's `maxSteps` when smaller).
   */
  readonly maxSteps?: number;
  reset(options?: ResetOptions): Promise<ResetResult<Obs>>;
  step(action: Act): Promise<StepResult<Obs>>;
  /** Exact copy of the current state (optional capability). */
  snapshot?(): EnvSnapshot;
  /** Returns to a state taken by `snapshot` of the same environment id. */
  restore?(snapshot: EnvSnapshot): void;
  /** An action an expert would take now (optional capability); undefined when it has none. */
  expertAction?(): Act | undefined;
  /** Releases resources (connections, processes). Idempotent. */
  close(): Promise<void>;
}

/** Options passed to an environment factory. */
export interface EnvironmentOptions {
  /** Steps after which the episode is truncated; each environment has its own default. */
  readonly maxSteps?: number;
  /** Environment-specific settings. */
  readonly [key: string]: unknown;
}

/** A registered environment: its versioned id, what it is, and how to make one. */
export interface EnvironmentSpec<Obs extends Observation = Observation, Act = string> {
  /** `family/Name-vN`. */
  readonly id: string;
  /** One or two sentences for `worldloop envs`. */
  readonly description: string;
  /** Whether instances offer `expertAction`. */
  readonly hasExpert: boolean;
  create(options?: EnvironmentOptions): Environment<Obs, Act>;
  /**
   * Makes `size` instances stepped together (optional capability), for environments where one
   * `stepMany` call is cheaper than `size` separate steps. Instance `i` must behave exactly like
   * `create(options)` given the same resets and actions. `size` is a positive integer; `options`
   * are those of `create`.
   */
  createVector?(size: number, options?: EnvironmentOptions): VectorEnvironment<Obs, Act>;
}
