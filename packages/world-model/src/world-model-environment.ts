// A world model wrapped as an Environment, so whole episodes can run in imagination: reset starts
// from a given state, step imagines. It honours the environment contract (the conformance suite
// runs against it): refused actions change nothing, episodes end, steps after the end throw.
import { observationRecord } from '@worldloop/core';
import {
  EnvironmentStateError,
  InvalidActionError,
  resetStepLimit,
  type ActionSpace,
  type ActionValidation,
  type EnvSnapshot,
  type Environment,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';
import type { ImaginingWorldModel } from './imagining-world-model.js';

/** Where an imagined episode starts. */
export interface ImaginedStart<State, Act = string> {
  readonly state: State;
  readonly observation: Observation;
  /** Actions accepted at the start (default `observation.validActions`). */
  readonly actions?: readonly Act[];
}

/** Options of {@link toEnvironment}. */
export interface WorldModelEnvironmentOptions<State, Act = string> {
  /** The imagined environment's id (`imagined/<real id>` by convention). */
  readonly id: string;
  /**
   * The start of each episode, from the reset options (a real environment's first observation, a
   * simulator's `start`, a recorded episode's first step). Must be deterministic in the seed for the
   * imagined environment to be.
   */
  readonly start: (options: ResetOptions) => ImaginedStart<State, Act> | Promise<ImaginedStart<State, Act>>;
  /** Steps before truncation (default 100); a reset's `maxSteps` truncates sooner when smaller. */
  readonly maxSteps?: number;
  /** Describes the actions to models (default: a sentence naming the world model). */
  readonly description?: string;
}

/** The state inside an imagined environment's snapshot. */
interface ImaginedSnapshotData<State, Act> {
  readonly state: State;
  readonly observation: Observation;
  readonly actions: readonly Act[];
  readonly stepCount: number;
  readonly ended: boolean;
  /** The episode's step limit; absent in older snapshots (then the environment's own). */
  readonly maxSteps?: number;
}

const SNAPSHOT_VERSION = 1;

/**
 * Wraps `model` as an `Environment`. Each `step` imagines one step from the current state: reward
 * and termination are the prediction's (0 and false when it has none), `info.confidence` its
 * confidence, and an episode ending in a predicted termination with positive reward reports
 * `info.success: true`. Actions outside those the current state lists are refused with
 * `InvalidActionError` (any string is accepted when the state lists none); so are actions the
 * model itself refuses (a simulator's). Snapshots are JSON-safe when the model's states are.
 */
export function toEnvironment<State, Act = string>(model: ImaginingWorldModel<State, Act>, options: WorldModelEnvironmentOptions<State, Act>): Environment<Observation, Act> {
  return new WorldModelEnvironment(model, options);
}

class WorldModelEnvironment<State, Act> implements Environment<Observation, Act> {
  readonly id: string;
  readonly actionSpace: ActionSpace<Act>;
  /** The limit of `options.maxSteps` (default 100). */
  private readonly ownMaxSteps: number;
  private current: ImaginedSnapshotData<State, Act> | undefined;

  constructor(
    private readonly model: ImaginingWorldModel<State, Act>,
    private readonly options: WorldModelEnvironmentOptions<State, Act>,
  ) {
    this.id = options.id;
    this.ownMaxSteps = options.maxSteps ?? 100;
    this.actionSpace = {
      describe: () => options.description ?? `Actions are imagined by the world model ${model.name}; use one of the valid actions listed with each observation.`,
      validate: (action: unknown) => this.validate(action),
      validActions: () => this.current?.actions ?? [],
    };
  }

  /** Steps before truncation in this episode: the environment's own limit, or a reset's smaller `maxSteps`. */
  get maxSteps(): number {
    return this.current?.maxSteps ?? this.ownMaxSteps;
  }

  /**
   * Starts an imagined episode. A `maxSteps` smaller than the environment's own limit truncates this
   * episode there (a ConfigError for one that is not a positive integer); it is not passed on to
   * `start`, since imagined steps are counted here.
   */
  async reset(options: ResetOptions = {}): Promise<ResetResult<Observation>> {
    const maxSteps = resetStepLimit(options, this.ownMaxSteps);
    const { maxSteps: _budget, ...startOptions } = options;
    const start = await this.options.start(startOptions);
    const actions = start.actions ?? ((start.observation.validActions as readonly Act[] | undefined) ?? []);
    this.current = { state: start.state, observation: start.observation, actions, stepCount: 0, ended: false, maxSteps };
    return { observation: start.observation, info: { imagined: true, worldModel: this.model.name, ...(options.seed !== undefined ? { seed: options.seed } : {}) } };
  }

  async step(action: Act): Promise<StepResult<Observation>> {
    const current = this.current;
    if (current === undefined) throw new EnvironmentStateError(`step() was called before reset() on ${this.id}; call reset() first.`);
    if (current.ended) throw new EnvironmentStateError(`step() was called after the imagined episode of ${this.id} ended (step ${current.stepCount}); call reset() to start another.`);
    const validation = this.validate(action);
    if (!validation.ok) throw new InvalidActionError(action, validation.reason);
    const imagined = await this.model.imagine(current.state, validation.action);
    const stepCount = current.stepCount + 1;
    const reward = imagined.prediction.reward ?? 0;
    const terminated = imagined.prediction.terminated === true;
    const truncated = !terminated && (imagined.truncated === true || stepCount >= this.maxSteps);
    const ended = terminated || truncated;
    const observation = imagined.observation;
    this.current = { state: imagined.nextState, observation, actions: imagined.actions, stepCount, ended, maxSteps: current.maxSteps ?? this.ownMaxSteps };
    return {
      observation,
      reward,
      terminated,
      truncated,
      info: { confidence: imagined.prediction.confidence, ...(ended ? { success: terminated && reward > 0, stepCount } : {}) },
    };
  }

  snapshot(): EnvSnapshot {
    const current = this.current;
    if (current === undefined) throw new EnvironmentStateError(`snapshot() was called before reset() on ${this.id}; call reset() first.`);
    const data: ImaginedSnapshotData<State, Act> = { ...current, observation: observationRecord(current.observation), actions: [...current.actions] };
    return { environmentId: this.id, version: SNAPSHOT_VERSION, data };
  }

  restore(snapshot: EnvSnapshot): void {
    if (snapshot.environmentId !== this.id) {
      throw new EnvironmentStateError(`Cannot restore a snapshot of ${snapshot.environmentId} into ${this.id}; restore it into an environment with that id.`);
    }
    if (snapshot.version !== SNAPSHOT_VERSION) throw new EnvironmentStateError(`Snapshot format version ${snapshot.version} is not supported by ${this.id} (expected ${SNAPSHOT_VERSION}).`);
    const data = snapshot.data as ImaginedSnapshotData<State, Act>;
    if (typeof data !== 'object' || data === null || typeof data.observation?.text !== 'string' || !Array.isArray(data.actions)) {
      throw new EnvironmentStateError(`The snapshot of ${this.id} is malformed: it has no observation or actions.`);
    }
    const maxSteps = typeof data.maxSteps === 'number' && Number.isInteger(data.maxSteps) && data.maxSteps >= 1 ? data.maxSteps : this.ownMaxSteps;
    this.current = { state: data.state, observation: data.observation, actions: data.actions, stepCount: data.stepCount, ended: data.ended, maxSteps };
  }

  /** Nothing to release (the world model is not closed with it); idempotent. */
  async close(): Promise<void> {}

  private validate(action: unknown): ActionValidation<Act> {
    const actions = this.current?.actions ?? [];
    if (actions.length === 0) {
      return typeof action === 'string' && action.trim() !== '' ? { ok: true, action: action as Act } : { ok: false, reason: 'expected a non-empty string' };
    }
    if (actions.includes(action as Act)) return { ok: true, action: action as Act };
    const listed = actions.slice(0, 12).map((listedAction) => JSON.stringify(listedAction)).join(', ');
    return { ok: false, reason: `the imagined state accepts only ${listed}${actions.length > 12 ? ', ...' : ''}` };
  }
}
