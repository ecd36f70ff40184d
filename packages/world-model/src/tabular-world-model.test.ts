// The tabular world model: counting, modal predictions with confidence from counts, unknown pairs;
// accuracy that rises with data on held-out seeds; offline training from a trajectory store that
// learns exactly what online learning during the run did.
import { Agent, Runner, deriveSeed } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { Observation, Policy, Transition } from '@worldloop/spec';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { describe, expect, it } from 'vitest';
import { noisyExpertBehaviour } from './behaviour-policy.js';
import { playRealTrajectories, trainOnTrajectories } from './real-trajectory.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { trainFromTrajectories } from './trajectory-transitions.js';
import { measureWorldModelAccuracy } from './world-model-accuracy.js';

const at = (position: number): Observation => ({ text: `at ${position}`, features: { position }, validActions: ['left', 'right'] });
const step = (from: number, action: string, to: number, reward = 0, terminated = false): Transition<Observation, string> => ({
  state: at(from),
  action,
  nextState: at(to),
  reward,
  terminated,
  truncated: false,
});

describe('TabularWorldModel', () => {
  it('predicts the most frequent outcome with confidence count / (total + prior)', async () => {
    const model = new TabularWorldModel();
    model.update(step(1, 'right', 2));
    model.update(step(1, 'right', 2));
    model.update(step(1, 'right', 2));
    model.update(step(1, 'right', 1));
    const prediction = await model.predict(at(1), 'right');
    expect(prediction).toEqual({ observationText: 'at 2', features: { position: 2 }, reward: 0, terminated: false, confidence: 3 / 5 });
    expect(model.outcomes(at(1), 'right').map((outcome) => [outcome.nextKey.endsWith('position=2;'), outcome.count])).toEqual([
      [true, 3],
      [false, 1],
    ]);
    expect(model.count(at(1), 'right')).toBe(4);
    expect(model.size).toEqual({ states: 1, pairs: 1, transitions: 4 });
    const strict = new TabularWorldModel({ prior: 0 });
    strict.update(step(1, 'right', 2));
    expect((await strict.predict(at(1), 'right')).confidence).toBe(1);
  });

  it('keeps the mean reward per outcome and tells terminal outcomes apart', async () => {
    const model = new TabularWorldModel();
    model.update(step(3, 'right', 4, 0.9, true));
    model.update(step(3, 'right', 4, 0.7, true));
    expect(await model.predict(at(3), 'right')).toMatchObject({ reward: 0.8, terminated: true });
    model.update(step(3, 'right', 4, 0, false));
    expect(model.outcomes(at(3), 'right').map((outcome) => outcome.terminated)).toEqual([true, false]);
  });

  it('predicts nothing for an unknown pair and imagines staying put with no evidence', async () => {
    const model = new TabularWorldModel();
    model.update(step(1, 'right', 2));
    expect(await model.predict(at(1), 'left')).toEqual({ confidence: 0 });
    const imagined = await model.imagine(at(5), 'right');
    expect(imagined).toMatchObject({ evidence: 0, prediction: { confidence: 0 }, actions: ['left', 'right'] });
    expect(imagined.nextState.features).toEqual({ position: 5 });
    const known = await model.imagine(at(1), 'right');
    expect(known).toMatchObject({ evidence: 1, actions: ['left', 'right'] });
    expect(model.stateKey(known.nextState)).toBe(model.stateKey(at(2)));
  });

  it('keys states by a custom function', async () => {
    const model = new TabularWorldModel({ stateKey: (observation) => String(Number(observation.features!.position) % 2) });
    model.update(step(1, 'right', 2));
    expect(await model.predict(at(3), 'right')).toMatchObject({ features: { position: 2 } });
    expect(await model.predict(at(2), 'right')).toEqual({ confidence: 0 });
  });

  it('grows more accurate with more data, on held-out seeds', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    const environment = spec.create();
    const behaviour = noisyExpertBehaviour(0.5);
    const heldOut = await playRealTrajectories({ environment, behaviour, seeds: Array.from({ length: 20 }, (_, index) => deriveSeed(99, index)) });
    const training = await playRealTrajectories({ environment, behaviour, seeds: Array.from({ length: 400 }, (_, index) => deriveSeed(7, index)) });
    const accuracies: number[] = [];
    for (const episodes of [4, 40, 400]) {
      const model = new TabularWorldModel();
      await trainOnTrajectories(model, training.slice(0, episodes));
      const accuracy = await measureWorldModelAccuracy(model, heldOut, { horizon: 1 });
      accuracies.push(accuracy.featuresExact);
    }
    expect(accuracies[1]).toBeGreaterThan(accuracies[0]! + 0.1);
    expect(accuracies[2]).toBeGreaterThan(accuracies[1]! + 0.05);
  });

  it('learns from a trajectory store offline exactly what it learnt online during the run', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/UnlockPickup-v0')!;
    const behaviour = noisyExpertBehaviour(0.8);
    const policy: Policy<Observation, string> = {
      name: 'noisy-expert',
      begin: (episode) => {
        let draws = episode.seed;
        const random = (): number => ((draws = (Math.imul(draws, 1103515245) + 12345) >>> 0) / 2 ** 32);
        return { decide: async ({ percept }) => ({ action: behaviour(episode.environment, percept.observation, random) }) };
      },
    };
    const online = new TabularWorldModel();
    const store = SqliteTrajectoryStore.open(':memory:');
    const agent = new Agent({ policy, store, worldModel: { model: online } });
    const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 8, baseSeed: 3 });
    const offline = new TabularWorldModel();
    const trained = await trainFromTrajectories(offline, store, { runId: summary.runId! });
    expect(trained).toEqual({ episodes: 8, transitions: summary.totalSteps });
    expect(offline.size).toEqual(online.size);
    expect(offline.size.transitions).toBe(summary.totalSteps);
    const pages = new TabularWorldModel();
    expect(await trainFromTrajectories(pages, store, { limit: 3 })).toMatchObject({ episodes: 3 });
    await store.close();
  });
});
