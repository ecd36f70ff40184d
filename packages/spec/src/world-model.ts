// The world-model contract: predict what an action will do before it is taken, learn from what did.
// Modelled on Gymnasium's functional environment (transition + reward + terminal from a state).
import type { Environment } from './environment.js';
import type { Observation } from './observation.js';

/** What a world model expects to happen after an action. */
export interface Prediction {
  /** Predicted next observation text, when the model predicts text. */
  readonly observationText?: string;
  /** Predicted discrete features of the next observation (see `Observation.features`). */
  readonly features?: Readonly<Record<string, string | number | boolean>>;
  readonly reward?: number;
  readonly terminated?: boolean;
  /** How sure the model is, 0..1. */
  readonly confidence: number;
}

/** What really happened: the material a world model learns from. */
export interface Transition<State = Observation, Act = string> {
  readonly state: State;
  readonly action: Act;
  readonly nextState: State;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** What a world model is shown when it is asked for the state it predicts from. */
export interface WorldModelView<Obs extends Observation = Observation> {
  /** What the agent perceives now. */
  readonly observation: Obs;
  /** The real environment, for privileged models (a simulator reads its exact snapshot). */
  readonly environment?: Environment<any, any>;
}

/**
 * How a prediction compared with what really happened (`StepRecord.worldModel.error`). Parts the
 * model did not predict are absent. Matches are 1 or 0; `error` is the worst part's error, 0..1;
 * `surprise` is `confidence × error`, so a confident miss surprises and a shrug does not.
 */
export type PredictionComparison = {
  /** 1 when the predicted features equal the real ones. */
  readonly featuresMatch?: number;
  /** 1 when the predicted observation text equals the real one. */
  readonly textMatch?: number;
  /** Similarity of the predicted and the real observation text, 0..1. */
  readonly textSimilarity?: number;
  /** |predicted reward − real reward|. */
  readonly rewardError?: number;
  /** 1 when the predicted termination equals the real one. */
  readonly terminatedMatch?: number;
  /** The worst part: 1 − match, 1 − similarity, or the reward error capped at 1. */
  readonly error: number;
  /** `confidence × error`, 0..1. */
  readonly surprise: number;
};

/**
 * A predictor of the environment. `State` is the true state for models that see it
 * (a simulator snapshot), or an observation for models that do not.
 */
export interface WorldModel<State = Observation, Act = string> {
  /** Names the model in recordings and reports (`simulator`, `tabular`, `language:qwen`). */
  readonly name: string;
  predict(state: State, action: Act, options?: { signal?: AbortSignal }): Promise<Prediction>;
  /** Learns from one real transition (optional capability). */
  update?(transition: Transition<State, Act>): void | Promise<void>;
  /**
   * The state this model predicts from, for what the agent sees now (optional capability; without
   * it the state is the observation). A simulator takes the environment's snapshot here.
   */
  stateOf?(view: WorldModelView): State;
}
