// The vectorised environment contract, after Gymnasium's VectorEnv but explicit: no autoreset, each
// instance is reset by index, and one `stepMany` call steps any subset of instances. An instance's
// error (an invalid action) comes back as that instance's outcome; the others still step.
import type { ActionSpace } from './action-space.js';
import type { EnvSnapshot, ResetOptions, ResetResult, StepResult } from './environment.js';
import type { Observation } from './observation.js';

/** One instance's action in a `stepMany` call. */
export interface VectorStepRequest<Act = string> {
  /** Which instance, in [0, size). */
  readonly index: number;
  /** The action, as `Environment.step` takes it. */
  readonly action: Act;
}

/**
 * What one request of `stepMany` gave: the step result, or the error that `Environment.step`
 * would have thrown for that instance (`InvalidActionError` leaves the instance unchanged,
 * `EnvironmentStateError` for a step before reset or after the end).
 */
export type VectorStepOutcome<Obs = Observation> =
  | { readonly ok: true; readonly result: StepResult<Obs> }
  | { readonly ok: false; readonly error: unknown };

/**
 * `size` independent instances of one environment, stepped together where that is cheaper than one
 * call per instance. Instance `i` behaves exactly like an `Environment` of the same id given the
 * same resets and actions, so a run gives the same results vectorised or not. There is no
 * autoreset: an instance whose episode ended refuses steps until `reset(i)`.
 */
export interface VectorEnvironment<Obs extends Observation = Observation, Act = string> {
  /** Registered id of every instance, e.g. `gridworld/GoToLocal-v0`. */
  readonly id: string;
  /** Number of instances (at least 1). */
  readonly size: number;
  /** The action space of instance `index`; it reads that instance's current state. */
  actionSpace(index: number): ActionSpace<Act>;
  /** Step limit of instance `index`'s episode, when the environment has one. */
  maxSteps?(index: number): number | undefined;
  /** Starts a new episode in instance `index`, like `Environment.reset`. */
  reset(index: number, options?: ResetOptions): Promise<ResetResult<Obs>>;
  /**
   * Steps the requested instances, each at most once per call, and answers in request order. A
   * per-instance failure is that request's `{ ok: false }` outcome; an index out of range or
   * repeated rejects the whole call with `ConfigError` (a caller's mistake) and steps nothing.
   */
  stepMany(requests: readonly VectorStepRequest<Act>[]): Promise<readonly VectorStepOutcome<Obs>[]>;
  /** Exact copy of instance `index`'s state (optional capability). */
  snapshot?(index: number): EnvSnapshot;
  /** Returns instance `index` to a state taken by `snapshot` of the same environment id. */
  restore?(index: number, snapshot: EnvSnapshot): void;
  /** An expert's action for instance `index` now (optional capability); undefined when it has none. */
  expertAction?(index: number): Act | undefined;
  /** Releases every instance's resources. Idempotent. */
  close(): Promise<void>;
}
