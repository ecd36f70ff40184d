// What planners and imagined environments need from a world model beyond `predict`: the state a
// prediction leads to, so predictions can be chained into imagined rollouts.
import type { Observation, Prediction, WorldModel } from '@worldloop/spec';

/** One imagined step: the prediction, the state it leads to, and that state as the agent would see it. */
export interface Imagination<State, Act = string> {
  readonly prediction: Prediction;
  /** The predicted next state, to imagine further from. */
  readonly nextState: State;
  /** The predicted next observation, as the environment would show it (may be computed lazily). */
  readonly observation: Observation;
  /** Actions the predicted state accepts, when the model knows them (empty when it does not). */
  readonly actions: readonly Act[];
  /** The imagined environment would cut the episode short here (a step limit); exact models only. */
  readonly truncated?: boolean;
  /**
   * Real transitions the prediction rests on, for learned models (0: the model has never seen this
   * state and action, and `nextState` is the state itself). Absent for exact models.
   */
  readonly evidence?: number;
}

/**
 * A world model that can imagine: chain predictions step after step. Every implementation here
 * (simulator, tabular, language, random) is one. `predict(state, action)` equals
 * `imagine(state, action).prediction`.
 */
export interface ImaginingWorldModel<State = Observation, Act = string> extends WorldModel<State, Act> {
  imagine(state: State, action: Act, options?: { signal?: AbortSignal }): Promise<Imagination<State, Act>>;
  /**
   * A key equal for states the model cannot tell apart (optional): planners merge such states.
   * Models whose states are cheap to key (tabular) have one; a simulator's snapshots do not.
   */
  stateKey?(state: State): string;
  /**
   * Imagines up to `maxSteps` actions picked by `choose` from `state`, keeping none of the states in
   * between (optional): the fast path of random rollouts, for models whose states are costly to
   * keep (a simulator's snapshots). Stops at a predicted termination or truncation.
   */
  rollout?(state: State, choose: (actions: readonly Act[]) => Act, maxSteps: number, options?: { signal?: AbortSignal }): Promise<ImaginedRollout>;
}

/** What a fast rollout brought. */
export interface ImaginedRollout {
  /** Reward of each imagined step, in order. */
  readonly rewards: readonly number[];
  /** The last step was predicted to end the episode (terminated or truncated). */
  readonly ended: boolean;
  /**
   * The rollout stopped at an action the model refused (true only then): that imagined step cost a
   * model call but brought no reward, so budgets count `rewards.length + 1` steps.
   */
  readonly refused?: boolean;
}
