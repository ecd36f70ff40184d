// World-model accuracy: the simulator is exact at every horizon; a learnt model sits between it and
// chance, and loses accuracy with the horizon; the side-by-side comparison wm-eval prints.
import { deriveSeed } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { EnvSnapshot, Observation } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { noisyExpertBehaviour } from './behaviour-policy.js';
import { RandomWorldModel } from './random-world-model.js';
import { playRealTrajectories, trainOnTrajectories } from './real-trajectory.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { measureWorldModelAccuracy } from './world-model-accuracy.js';
import { compareWorldModels } from './world-model-comparison.js';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const seeds = (base: number, count: number): number[] => Array.from({ length: count }, (_, index) => deriveSeed(base, index));

describe('measureWorldModelAccuracy', () => {
  it('finds the simulator exact at every horizon', async () => {
    const environment = spec.create();
    const trajectories = await playRealTrajectories<EnvSnapshot>({ environment, behaviour: noisyExpertBehaviour(0.5), seeds: seeds(1, 6), stateOf: (_observation, real) => real.snapshot!() });
    const accuracy = await measureWorldModelAccuracy(new SimulatorWorldModel({ environment: spec }), trajectories);
    expect(accuracy).toMatchObject({ model: 'simulator', observationExact: 1, textSimilarity: 1, featuresExact: 1, rewardAccuracy: 1, terminationAccuracy: 1, meanConfidence: 1 });
    expect(accuracy.steps).toBe(trajectories.reduce((sum, trajectory) => sum + trajectory.actions.length, 0));
    expect(accuracy.horizons.map((horizon) => [horizon.horizon, horizon.observationExact, horizon.featuresExact])).toEqual([1, 2, 3, 4, 5].map((k) => [k, 1, 1]));
  });

  it('places a tabular model between the simulator and chance, better near than far', async () => {
    const environment = spec.create();
    const behaviour = noisyExpertBehaviour(0.5);
    const training = await playRealTrajectories<Observation>({ environment, behaviour, seeds: seeds(2, 150) });
    const heldOut = await playRealTrajectories<Observation>({ environment, behaviour, seeds: seeds(3, 10) });
    const tabular = new TabularWorldModel();
    const random = new RandomWorldModel();
    await trainOnTrajectories(tabular, training);
    await trainOnTrajectories(random, training);
    const learnt = await measureWorldModelAccuracy(tabular, heldOut);
    const chance = await measureWorldModelAccuracy(random, heldOut);
    expect(learnt.featuresExact).toBeGreaterThan(0.4);
    expect(learnt.featuresExact).toBeGreaterThan(chance.featuresExact + 0.3);
    // Where it has seen nothing it predicts nothing, which scores 0; chance always says something.
    expect(learnt.meanConfidence).toBeGreaterThan(chance.meanConfidence);
    expect(learnt.horizons[4]!.featuresExact).toBeLessThan(learnt.horizons[0]!.featuresExact);
    expect(learnt.horizons[0]!.featuresExact).toBe(learnt.featuresExact);
  });
});

describe('compareWorldModels', () => {
  it('reports simulator, tabular and random side by side with a random policy, on the same held-out seeds', async () => {
    const lines: string[] = [];
    const comparison = await compareWorldModels({ environment: spec, episodes: 4, trainingEpisodes: 30, plannerBudget: 40, maxSteps: 24, baseSeed: 5, onProgress: (line) => lines.push(line) });
    expect(comparison).toMatchObject({ environmentId: 'gridworld/GoToLocal-v0', evaluationEpisodes: 4, trainingEpisodes: 30 });
    expect(comparison.rows.map((row) => row.kind)).toEqual(['simulator', 'tabular', 'random']);
    const [simulator, tabular, random] = comparison.rows;
    expect(simulator!.accuracy.observationExact).toBe(1);
    expect(simulator!.trainingTransitions).toBe(0);
    expect(tabular!.trainingTransitions).toBeGreaterThan(100);
    expect(tabular!.accuracy.featuresExact).toBeGreaterThan(random!.accuracy.featuresExact);
    expect(simulator!.planner).toMatchObject({ policy: 'planner:simulator', episodes: 4 });
    expect(simulator!.planner.successRate).toBeGreaterThanOrEqual(comparison.randomPolicy.successRate);
    expect(comparison.randomPolicy).toMatchObject({ policy: 'random', episodes: 4 });
    expect(lines[0]).toBe('playing 4 held-out episodes');
  });
});
