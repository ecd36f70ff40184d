// The oracle world model: exact predictions from a private copy of an environment that has
// snapshot / restore. Its state is an `EnvSnapshot`; it is the upper bound other models are measured
// against. Calls are served one at a time (the private environment has one state at a time).
import {
  ConfigError,
  InvalidActionError,
  type EnvSnapshot,
  type Environment,
  type EnvironmentOptions,
  type EnvironmentSpec,
  type Observation,
  type Prediction,
  type ResetOptions,
  type StepResult,
  type WorldModelView,
} from '@worldloop/spec';
import type { Imagination, ImaginedRollout, ImaginingWorldModel } from './imagining-world-model.js';

/** Options of a {@link SimulatorWorldModel}. */
export interface SimulatorWorldModelOptions<Obs extends Observation = Observation, Act = string> {
  /**
   * Where the private environment comes from: a registered spec (created with
   * `environmentOptions`) or a factory. It must have `snapshot` and `restore`, and the same id and
   * options as the environment whose snapshots it is given.
   */
  readonly environment: EnvironmentSpec<Obs, Act> | (() => Environment<Obs, Act>);
  /** Options for `spec.create` (ignored with a factory). */
  readonly environmentOptions?: EnvironmentOptions;
  /** Default `simulator`. */
  readonly name?: string;
}

/** A starting state from a reset of the private environment. */
export interface SimulatorStart<Obs extends Observation = Observation, Act = string> {
  readonly state: EnvSnapshot;
  readonly observation: Obs;
  readonly actions: readonly Act[];
}

/**
 * Predicts by doing: restores the snapshot into its own environment instance, steps, and reports
 * what happened with confidence 1. The instance is made on first use from the spec or factory
 * given, never shared with the agent, so imagining never disturbs the real episode.
 *
 * An action the environment refuses rejects with its `InvalidActionError` (the oracle's way of
 * saying "this would be refused"). `stateOf` needs the real environment (a privileged model: it
 * reads the true state, like an expert).
 */
export class SimulatorWorldModel<Obs extends Observation = Observation, Act = string> implements ImaginingWorldModel<EnvSnapshot, Act> {
  readonly name: string;
  private instance: Environment<Obs, Act> | undefined;
  /** The snapshot object the private environment is known to be in, to skip a restore. */
  private current: EnvSnapshot | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SimulatorWorldModelOptions<Obs, Act>) {
    this.name = options.name ?? 'simulator';
  }

  /** The real environment's snapshot (ConfigError when no environment with `snapshot` is shown). */
  stateOf(view: WorldModelView): EnvSnapshot {
    const environment = view.environment;
    if (environment?.snapshot === undefined) {
      throw new ConfigError(`SimulatorWorldModel needs the real environment, with snapshot(), to read its state; ${environment ? `${environment.id} has no snapshot()` : 'none was given'}.`);
    }
    return environment.snapshot();
  }

  /** Resets the private environment and returns its state: where imagined episodes start. */
  start(options: ResetOptions = {}): Promise<SimulatorStart<Obs, Act>> {
    return this.exclusive(async () => {
      const environment = this.environment();
      const { observation } = await environment.reset(options);
      const state = environment.snapshot!();
      this.current = state;
      return { state, observation, actions: actionsOf(environment, observation) };
    });
  }

  async predict(state: EnvSnapshot, action: Act): Promise<Prediction> {
    return (await this.imagine(state, action)).prediction;
  }

  imagine(state: EnvSnapshot, action: Act): Promise<Imagination<EnvSnapshot, Act>> {
    return this.exclusive(async () => {
      const environment = this.environment();
      if (this.current !== state) {
        this.current = undefined;
        environment.restore!(state);
        this.current = state;
      }
      let result: StepResult<Obs>;
      try {
        result = await environment.step(action);
      } catch (error) {
        // A refused action leaves the state as it was (the environment contract); anything else may not.
        if (!(error instanceof InvalidActionError)) this.current = undefined;
        throw error;
      }
      const nextState = environment.snapshot!();
      this.current = nextState;
      const observation = result.observation;
      let actions: readonly Act[] | undefined;
      return {
        prediction: exactPrediction(observation, result.reward, result.terminated),
        nextState,
        observation,
        // Listing valid actions can cost a search; rollouts that never ask should not pay for it.
        get actions() {
          return (actions ??= actionsOf(environment, observation));
        },
        truncated: result.truncated,
      };
    });
  }

  /** Steps the private environment from `state` without taking snapshots on the way; a refused action ends the rollout. */
  rollout(state: EnvSnapshot, choose: (actions: readonly Act[]) => Act, maxSteps: number, options: { signal?: AbortSignal } = {}): Promise<ImaginedRollout> {
    return this.exclusive(async () => {
      const environment = this.environment();
      if (this.current !== state) environment.restore!(state);
      // Whatever happens below, the environment leaves `state`.
      this.current = undefined;
      const rewards: number[] = [];
      let actions = actionsOf(environment, undefined);
      for (let step = 0; step < maxSteps && actions.length > 0 && !options.signal?.aborted; step++) {
        let result: StepResult<Obs>;
        try {
          result = await environment.step(choose(actions));
        } catch (error) {
          if (error instanceof InvalidActionError) return { rewards, ended: false, refused: true };
          throw error;
        }
        rewards.push(result.reward);
        if (result.terminated || result.truncated) return { rewards, ended: true };
        actions = actionsOf(environment, result.observation);
      }
      return { rewards, ended: false };
    });
  }

  /** Closes the private environment (idempotent). */
  async close(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.current = undefined;
    await instance?.close();
  }

  private environment(): Environment<Obs, Act> {
    if (this.instance === undefined) {
      const source = this.options.environment;
      const instance = typeof source === 'function' ? source() : source.create(this.options.environmentOptions);
      if (typeof instance.snapshot !== 'function' || typeof instance.restore !== 'function') {
        throw new ConfigError(`SimulatorWorldModel needs an environment with snapshot() and restore(); ${instance.id} has not.`);
      }
      this.instance = instance;
    }
    return this.instance;
  }

  /** Runs `task` after every call before it: the private environment holds one state at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The environment's own outcome as a prediction; text and features are read only when asked for. */
function exactPrediction(observation: Observation, reward: number, terminated: boolean): Prediction {
  return {
    get observationText() {
      return observation.text;
    },
    get features() {
      return observation.features;
    },
    reward,
    terminated,
    confidence: 1,
  };
}

function actionsOf<Act>(environment: Environment<Observation, Act>, observation: Observation | undefined): readonly Act[] {
  return (observation?.validActions as readonly Act[] | undefined) ?? environment.actionSpace.validActions?.() ?? [];
}
