// The simulator oracle: its predictions equal the real environment's outcomes on every step of
// recorded gridworld episodes, for every task; refusals, concurrency and the rollout fast path.
import { Agent, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { ConfigError, InvalidActionError, type EnvSnapshot, type Observation, type Policy } from '@worldloop/spec';
import { LineWorldEnvironment, lineWorldEnvironment } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { describe, expect, it } from 'vitest';
import { noisyExpertBehaviour } from './behaviour-policy.js';
import { SimulatorWorldModel } from './simulator-world-model.js';

/** The noisy expert as a Policy, so the agent loop records its episodes. */
function noisyExpertPolicy(): Policy<Observation, string> {
  const behaviour = noisyExpertBehaviour(0.7);
  return {
    name: 'noisy-expert',
    begin: (episode) => {
      let state = (episode.seed ^ 0x3c6ef372) >>> 0 || 1;
      const random = (): number => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 2 ** 32;
      };
      return { decide: async ({ percept }) => ({ action: behaviour(episode.environment, percept.observation, random) }) };
    },
  };
}

describe('SimulatorWorldModel', () => {
  it.each(gridworldEnvironments.map((spec) => [spec.id, spec] as const))(
    'predicts every step of recorded %s episodes exactly',
    async (_id, spec) => {
      const model = new SimulatorWorldModel({ environment: spec });
      const store = SqliteTrajectoryStore.open(':memory:');
      const agent = new Agent({ policy: noisyExpertPolicy(), store, worldModel: { model } });
      const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 6, concurrency: 3, baseSeed: 11 });
      expect(summary.failedEpisodes).toBe(0);
      let checked = 0;
      for (const episode of await store.listEpisodes({ runId: summary.runId! })) {
        const steps = [];
        for await (const step of store.readSteps(episode.id)) steps.push(step);
        expect(steps.length).toBe(episode.stepCount);
        for (const [index, step] of steps.entries()) {
          const next = index + 1 < steps.length ? steps[index + 1]!.observation : episode.finalObservation!;
          const prediction = step.worldModel!.prediction;
          expect(prediction.observationText).toBe(next.text);
          expect(prediction.features).toEqual(next.features);
          expect(prediction.reward).toBe(step.reward);
          expect(prediction.terminated).toBe(step.terminated);
          expect(prediction.confidence).toBe(1);
          expect(step.worldModel!.error).toMatchObject({ textMatch: 1, featuresMatch: 1, rewardError: 0, terminatedMatch: 1, surprise: 0 });
          checked++;
        }
      }
      expect(checked).toBe(summary.totalSteps);
      await store.close();
      await model.close();
    },
  );

  it('imagines from a snapshot without disturbing the real environment, including after other states', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/UnlockPickup-v0')!;
    const real = spec.create();
    const model = new SimulatorWorldModel({ environment: spec });
    await real.reset({ seed: 5 });
    const start = model.stateOf({ observation: (await real.reset({ seed: 5 })).observation, environment: real });
    const other = await model.start({ seed: 6 });
    const first = await model.imagine(start, 'forward');
    await model.imagine(other.state, 'left');
    const again = await model.imagine(start, 'forward');
    expect(again.prediction.observationText).toBe(first.prediction.observationText);
    const realStep = await real.step('forward');
    expect(first.prediction.observationText).toBe(realStep.observation.text);
    expect(first.prediction.features).toEqual(realStep.observation.features);
    expect(first.actions).toEqual(realStep.observation.validActions);
  });

  it('serves concurrent predictions one at a time, each from its own state', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    const states = await Promise.all([1, 2, 3].map(async (seed) => (await model.start({ seed })).state));
    const predictions = await Promise.all(states.flatMap((state) => ['left', 'right'].map((action) => model.predict(state, action))));
    expect(predictions.map((prediction) => prediction.features)).toEqual([{ position: 0 }, { position: 2 }, { position: 1 }, { position: 3 }, { position: 2 }, { position: 4 }]);
    expect(predictions[5]).toMatchObject({ reward: 1, terminated: true, confidence: 1 });
  });

  it('rejects an action the environment refuses with its InvalidActionError, and goes on', async () => {
    const model = new SimulatorWorldModel({ environment: () => new LineWorldEnvironment() });
    const { state } = await model.start({ seed: 1 });
    await expect(model.predict(state, 'jump')).rejects.toBeInstanceOf(InvalidActionError);
    await expect(model.predict(state, 'right')).resolves.toMatchObject({ features: { position: 2 } });
  });

  it('needs the real environment to read a state, and an environment with snapshot()', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    expect(() => model.stateOf({ observation: { text: 'x' } })).toThrow(ConfigError);
    const blind = new SimulatorWorldModel({
      environment: () => {
        const inner = new LineWorldEnvironment();
        return { id: inner.id, actionSpace: inner.actionSpace, reset: (options) => inner.reset(options), step: (action) => inner.step(action), close: () => inner.close() };
      },
    });
    await expect(blind.start({ seed: 1 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('rolls out on its fast path exactly as imagined step by step', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    const model = new SimulatorWorldModel({ environment: spec });
    const { state } = await model.start({ seed: 3 });
    const script = ['left', 'forward', 'forward', 'right', 'forward', 'forward', 'forward', 'left', 'forward'];
    let index = 0;
    const rollout = await model.rollout(state, () => script[index++]!, script.length);
    let current: EnvSnapshot = state;
    const rewards: number[] = [];
    for (const action of script.slice(0, rollout.rewards.length)) {
      const imagined = await model.imagine(current, action);
      rewards.push(imagined.prediction.reward!);
      current = imagined.nextState;
      if (imagined.prediction.terminated) break;
    }
    expect(rollout.rewards).toEqual(rewards);
  });

  it('says when its fast-path rollout stopped at an action the environment refused', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    const model = new SimulatorWorldModel({ environment: spec });
    const { state } = await model.start({ seed: 3 });
    const script = ['left', 'fly to the moon', 'forward'];
    let index = 0;
    const rollout = await model.rollout(state, () => script[index++]!, script.length);
    expect(rollout).toEqual({ rewards: [0], ended: false, refused: true });
    index = 0;
    expect(await model.rollout(state, () => script[index++ % 1]!, 2)).toEqual({ rewards: [0, 0], ended: false });
  });
});
