// How well a world model predicts real trajectories: one-step accuracy (observation exact, text
// similarity, features, reward, termination) and accuracy at horizon k (open-loop imagined
// rollouts of the real actions, from the same start, against the real observations k steps on).
import { sameFeatures, textSimilarity } from '@worldloop/core';
import { InvalidActionError } from '@worldloop/spec';
import type { ImaginingWorldModel } from './imagining-world-model.js';
import type { RealTrajectory } from './real-trajectory.js';

/** Accuracy of imagined rollouts k steps long. */
export interface HorizonAccuracy {
  readonly horizon: number;
  /** (start, k) pairs scored. */
  readonly pairs: number;
  /** Share whose imagined observation text equals the real one. */
  readonly observationExact: number;
  /** Mean text similarity (0 where the model predicted no text). */
  readonly textSimilarity: number;
  /** Share whose imagined features equal the real ones. */
  readonly featuresExact: number;
}

/** A world model's accuracy on real trajectories. Every share is 0..1; a missing prediction counts as wrong. */
export interface WorldModelAccuracy {
  readonly model: string;
  /** One-step predictions scored. */
  readonly steps: number;
  readonly observationExact: number;
  readonly textSimilarity: number;
  readonly featuresExact: number;
  /** Share of steps whose predicted reward is within the tolerance of the real one. */
  readonly rewardAccuracy: number;
  /** Share of steps whose predicted termination is the real one. */
  readonly terminationAccuracy: number;
  readonly meanConfidence: number;
  /** k = 1 .. horizon (k = 1 repeats the one-step observation figures). */
  readonly horizons: readonly HorizonAccuracy[];
}

/** Options of {@link measureWorldModelAccuracy}. */
export interface WorldModelAccuracyOptions {
  /** Longest imagined rollout (default 5). */
  readonly horizon?: number;
  /** Rewards this close count as right (default 0.05). */
  readonly rewardTolerance?: number;
  readonly signal?: AbortSignal;
}

interface HorizonTally {
  pairs: number;
  exact: number;
  similarity: number;
  features: number;
}

/**
 * Scores `model` on the trajectories (whose `states` must be the model's kind of state). From every
 * step t, the real actions t, t+1, ... are imagined open-loop up to `horizon` steps (or the real
 * episode's end); the k-th imagined observation is scored against the real observation t+k. A
 * rollout the model ends early (predicted termination, or an action it refuses) scores 0 for the
 * rest of its steps.
 */
export async function measureWorldModelAccuracy<State>(
  model: ImaginingWorldModel<State, string>,
  trajectories: readonly RealTrajectory<State>[],
  options: WorldModelAccuracyOptions = {},
): Promise<WorldModelAccuracy> {
  const horizon = options.horizon ?? 5;
  const tolerance = options.rewardTolerance ?? 0.05;
  const tallies: HorizonTally[] = Array.from({ length: horizon }, () => ({ pairs: 0, exact: 0, similarity: 0, features: 0 }));
  let rewardRight = 0;
  let terminationRight = 0;
  let confidence = 0;
  for (const trajectory of trajectories) {
    const length = trajectory.actions.length;
    for (let start = 0; start < length; start++) {
      let state: State = trajectory.states[start] as State;
      let alive = true;
      for (let k = 1; k <= horizon && start + k <= length; k++) {
        if (options.signal?.aborted) throw options.signal.reason;
        const tally = tallies[k - 1]!;
        tally.pairs++;
        if (!alive) continue;
        const real = trajectory.observations[start + k]!;
        let imagined;
        try {
          imagined = await model.imagine(state, trajectory.actions[start + k - 1]!);
        } catch (error) {
          if (!(error instanceof InvalidActionError)) throw error;
          alive = false;
          continue;
        }
        const prediction = imagined.prediction;
        const text = prediction.observationText;
        if (text !== undefined) {
          if (text === real.text) {
            tally.exact++;
            tally.similarity++;
          } else {
            tally.similarity += textSimilarity(text, real.text);
          }
        }
        if (prediction.features !== undefined && real.features !== undefined && sameFeatures(prediction.features, real.features)) tally.features++;
        if (k === 1) {
          confidence += prediction.confidence;
          if (prediction.reward !== undefined && Math.abs(prediction.reward - trajectory.rewards[start]!) <= tolerance) rewardRight++;
          if (prediction.terminated !== undefined && prediction.terminated === trajectory.terminated[start]) terminationRight++;
        }
        if (prediction.terminated === true || imagined.truncated === true) alive = false;
        state = imagined.nextState;
      }
    }
  }
  const share = (count: number, total: number): number => (total === 0 ? 0 : count / total);
  const horizons = tallies.map((tally, index): HorizonAccuracy => ({
    horizon: index + 1,
    pairs: tally.pairs,
    observationExact: share(tally.exact, tally.pairs),
    textSimilarity: share(tally.similarity, tally.pairs),
    featuresExact: share(tally.features, tally.pairs),
  }));
  const steps = tallies[0]?.pairs ?? 0;
  return {
    model: model.name,
    steps,
    observationExact: horizons[0]?.observationExact ?? 0,
    textSimilarity: horizons[0]?.textSimilarity ?? 0,
    featuresExact: horizons[0]?.featuresExact ?? 0,
    rewardAccuracy: share(rewardRight, steps),
    terminationAccuracy: share(terminationRight, steps),
    meanConfidence: share(confidence, steps),
    horizons,
  };
}
