// Compares a world model's prediction with what really happened: exact match of the structured
// parts (features, reward, termination), exact match and similarity of the observation text.
import type { Observation, Prediction, PredictionComparison } from '@worldloop/spec';
import { textSimilarity } from './text-similarity.js';

/** What really came of an action. */
export interface RealOutcome {
  readonly observation: Observation;
  readonly reward: number;
  readonly terminated: boolean;
}

/** Rewards closer than this count as equal (rewards are often computed in floating point). */
const REWARD_TOLERANCE = 1e-9;

/** Whether two feature records have the same keys with the same values. */
export function sameFeatures(
  first: Readonly<Record<string, string | number | boolean>>,
  second: Readonly<Record<string, string | number | boolean>> | undefined,
): boolean {
  if (second === undefined) return false;
  const keys = Object.keys(first);
  if (keys.length !== Object.keys(second).length) return false;
  for (const key of keys) if (!Object.is(first[key], second[key])) return false;
  return true;
}

/**
 * Scores `prediction` against `outcome`. Only the parts the model predicted are scored; a
 * prediction of nothing has error 0 and no surprise. Features are compared only when the
 * prediction has them (a real observation without features then counts as a mismatch).
 */
export function comparePrediction(prediction: Prediction, outcome: RealOutcome): PredictionComparison {
  let error = 0;
  const comparison: { -readonly [Key in keyof PredictionComparison]: PredictionComparison[Key] } = { error: 0, surprise: 0 };
  if (prediction.features !== undefined) {
    comparison.featuresMatch = sameFeatures(prediction.features, outcome.observation.features) ? 1 : 0;
    error = Math.max(error, 1 - comparison.featuresMatch);
  }
  if (prediction.observationText !== undefined) {
    const text = outcome.observation.text;
    comparison.textMatch = prediction.observationText === text ? 1 : 0;
    comparison.textSimilarity = comparison.textMatch === 1 ? 1 : textSimilarity(prediction.observationText, text);
    error = Math.max(error, 1 - comparison.textSimilarity);
  }
  if (prediction.reward !== undefined) {
    const difference = Math.abs(prediction.reward - outcome.reward);
    comparison.rewardError = difference <= REWARD_TOLERANCE ? 0 : difference;
    error = Math.max(error, Math.min(1, comparison.rewardError));
  }
  if (prediction.terminated !== undefined) {
    comparison.terminatedMatch = prediction.terminated === outcome.terminated ? 1 : 0;
    error = Math.max(error, 1 - comparison.terminatedMatch);
  }
  const confidence = Math.min(1, Math.max(0, Number.isFinite(prediction.confidence) ? prediction.confidence : 0));
  comparison.error = error;
  comparison.surprise = confidence * error;
  return comparison;
}
