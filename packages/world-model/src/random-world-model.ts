// The chance baseline of world-model evaluation: it predicts an outcome drawn from the outcomes it
// has been shown, whatever the state and action. Draws are a hash of (state, action), so the same
// question always gets the same answer (imagined episodes stay deterministic).
import { observationRecord } from '@worldloop/core';
import type { Observation, ObservationRecord, Prediction, Transition } from '@worldloop/spec';
import { featureStateKey } from './feature-state-key.js';
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';

/** Options of a {@link RandomWorldModel}. */
export interface RandomWorldModelOptions {
  /** Default `random`. */
  readonly name?: string;
  /** Outcomes kept to draw from (default 1,000; later ones replace earlier ones at random). */
  readonly capacity?: number;
  /** Mixed into every draw. */
  readonly seed?: number;
}

interface StoredOutcome {
  readonly observation: ObservationRecord;
  readonly reward: number;
  readonly terminated: boolean;
}

/** FNV-1a over the characters of `text`, mixed with `seed`. */
function hash(text: string, seed: number): number {
  let value = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/**
 * Predicts a remembered outcome chosen by a hash of the state and action: as good as guessing from
 * the world's base rates. Confidence is `1 / outcomes kept`. Before any `update` it predicts
 * nothing (confidence 0) and imagines staying put.
 */
export class RandomWorldModel implements ImaginingWorldModel<Observation, string> {
  readonly name: string;
  private readonly capacity: number;
  private readonly seed: number;
  private readonly outcomes: StoredOutcome[] = [];
  private seen = 0;

  constructor(options: RandomWorldModelOptions = {}) {
    this.name = options.name ?? 'random';
    this.capacity = options.capacity ?? 1000;
    this.seed = options.seed ?? 0;
  }

  /** Keeps the outcome (reservoir sampling once `capacity` is reached, deterministic per seed). */
  update(transition: Transition<Observation, string>): void {
    const outcome: StoredOutcome = { observation: observationRecord(transition.nextState), reward: transition.reward, terminated: transition.terminated };
    this.seen++;
    if (this.outcomes.length < this.capacity) {
      this.outcomes.push(outcome);
      return;
    }
    const slot = hash(String(this.seen), this.seed) % this.seen;
    if (slot < this.capacity) this.outcomes[slot] = outcome;
  }

  async predict(state: Observation, action: string): Promise<Prediction> {
    return (await this.imagine(state, action)).prediction;
  }

  async imagine(state: Observation, action: string): Promise<Imagination<Observation, string>> {
    if (this.outcomes.length === 0) return { prediction: { confidence: 0 }, nextState: state, observation: state, actions: state.validActions ?? [], evidence: 0 };
    const outcome = this.outcomes[hash(`${featureStateKey(state)}\u0000${action}`, this.seed) % this.outcomes.length]!;
    const observation = outcome.observation;
    return {
      prediction: {
        observationText: observation.text,
        ...(observation.features !== undefined ? { features: observation.features } : {}),
        reward: outcome.reward,
        terminated: outcome.terminated,
        confidence: 1 / this.outcomes.length,
      },
      nextState: observation,
      observation,
      actions: observation.validActions ?? state.validActions ?? [],
      evidence: this.outcomes.length,
    };
  }
}
