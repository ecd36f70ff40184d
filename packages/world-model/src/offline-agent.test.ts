// The offline default agent gets better with experience: on PickupLoc with a tight step limit,
// where a random policy rarely succeeds, its later episodes succeed far more often than its first.
import { Agent, RandomPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments, targetFeatureNames } from '@worldloop/gridworld';
import type { Observation, Policy } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { featureSubsetStateKey } from './feature-state-key.js';
import { offlineAgent } from './offline-agent.js';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/PickupLoc-v0')!;

async function successRates(policy: Policy<Observation, string>): Promise<{ first: number; last: number }> {
  const summary = await new Runner(new Agent({ policy })).run({ createEnvironment: () => spec.create({ maxSteps: 32, targetFeatures: true }), episodes: 120, baseSeed: 1 });
  const rate = (from: number, to: number): number => summary.episodes.slice(from, to).filter((episode) => episode.outcome.success).length / (to - from);
  return { first: rate(0, 20), last: rate(80, 120) };
}

describe('offlineAgent', () => {
  it('learns across episodes: later episodes succeed far more often than the first, and than a random policy', async () => {
    const agent = offlineAgent({ stateKey: featureSubsetStateKey(targetFeatureNames) });
    const learner = await successRates(agent.policy);
    const random = await successRates(new RandomPolicy());
    expect(learner.last).toBeGreaterThan(learner.first + 0.2);
    expect(learner.last).toBeGreaterThan(0.5);
    expect(random.last).toBeLessThan(0.25);
    expect(agent.model.size.transitions).toBeGreaterThan(1000);
  });
});
