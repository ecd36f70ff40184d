// The world-model contract: predict what an action will do before it is taken, learn from what did.
// Modelled on Gymnasium's functional environment (transition + reward + terminal from a state).
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
}
