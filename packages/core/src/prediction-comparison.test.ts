// Comparing a prediction with what happened: each part scored only when predicted; the error is the
// worst part; surprise weighs the error by the model's confidence.
import { describe, expect, it } from 'vitest';
import { comparePrediction } from './prediction-comparison.js';

const outcome = { observation: { text: 'You are at cell 3 of 5.', features: { position: 3 } }, reward: 0, terminated: false };

describe('comparePrediction', () => {
  it('scores an exact prediction as no error and no surprise', () => {
    const comparison = comparePrediction({ observationText: 'You are at cell 3 of 5.', features: { position: 3 }, reward: 0, terminated: false, confidence: 1 }, outcome);
    expect(comparison).toEqual({ featuresMatch: 1, textMatch: 1, textSimilarity: 1, rewardError: 0, terminatedMatch: 1, error: 0, surprise: 0 });
  });

  it('leaves out the parts the model did not predict', () => {
    expect(comparePrediction({ reward: 0, confidence: 0.7 }, outcome)).toEqual({ rewardError: 0, error: 0, surprise: 0 });
    expect(comparePrediction({ confidence: 0 }, outcome)).toEqual({ error: 0, surprise: 0 });
  });

  it('takes the worst part as the error and weighs it by confidence', () => {
    const comparison = comparePrediction({ features: { position: 4 }, reward: 0, terminated: true, confidence: 0.8 }, outcome);
    expect(comparison.featuresMatch).toBe(0);
    expect(comparison.terminatedMatch).toBe(0);
    expect(comparison.error).toBe(1);
    expect(comparison.surprise).toBeCloseTo(0.8, 12);
    const shrug = comparePrediction({ features: { position: 4 }, confidence: 0 }, outcome);
    expect(shrug).toMatchObject({ error: 1, surprise: 0 });
  });

  it('caps the reward error at 1 in the overall error, and tolerates rounding', () => {
    expect(comparePrediction({ reward: 3, confidence: 1 }, outcome)).toEqual({ rewardError: 3, error: 1, surprise: 1 });
    expect(comparePrediction({ reward: 1e-12, confidence: 1 }, outcome)).toEqual({ rewardError: 0, error: 0, surprise: 0 });
  });

  it('counts predicted features against an observation without features as a mismatch', () => {
    const comparison = comparePrediction({ features: { position: 3 }, confidence: 1 }, { ...outcome, observation: { text: 'x' } });
    expect(comparison).toMatchObject({ featuresMatch: 0, error: 1 });
  });

  it('scores text by similarity when it is not exact', () => {
    const comparison = comparePrediction({ observationText: 'You are at cell 2 of 5.', confidence: 0.5 }, outcome);
    expect(comparison.textMatch).toBe(0);
    expect(comparison.textSimilarity).toBeGreaterThan(0.5);
    expect(comparison.textSimilarity).toBeLessThan(1);
    expect(comparison.surprise).toBeCloseTo(0.5 * (1 - comparison.textSimilarity!), 12);
  });
});
