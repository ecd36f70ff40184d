// World models wrapped as environments pass the environment conformance suite (simulator-backed
// and tabular-backed), and a simulator-backed imagined episode is the real episode.
import { Agent, ExpertPolicy, deriveSeed, observationRecord } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { EnvironmentSpec, Observation } from '@worldloop/spec';
import { describeEnvironmentConformance, lineWorldEnvironment } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { noisyExpertBehaviour } from './behaviour-policy.js';
import { playRealTrajectories, trainOnTrajectories } from './real-trajectory.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { toEnvironment } from './world-model-environment.js';

const gridworld = (id: string): EnvironmentSpec<Observation, string> => gridworldEnvironments.find((spec) => spec.id === `gridworld/${id}-v0`)!;

/** An imagined copy of `real`, backed by a simulator of it. */
function simulatedSpec(real: EnvironmentSpec<Observation, string>, maxSteps: number): EnvironmentSpec<Observation, string> {
  const model = new SimulatorWorldModel({ environment: real });
  const id = `imagined/${real.id}`;
  return { id, description: `${real.id} imagined by a simulator`, hasExpert: false, create: () => toEnvironment(model, { id, start: (options) => model.start(options), maxSteps }) };
}

/** An imagined GoToLocal, backed by a tabular model trained on 60 episodes; starts are real first observations. */
async function tabularSpec(): Promise<EnvironmentSpec<Observation, string>> {
  const real = gridworld('GoToLocal');
  const environment = real.create();
  const model = new TabularWorldModel();
  await trainOnTrajectories(model, await playRealTrajectories({ environment, behaviour: noisyExpertBehaviour(0.5), seeds: Array.from({ length: 60 }, (_, index) => deriveSeed(5, index)) }));
  const id = 'imagined-tabular/gridworld/GoToLocal-v0';
  return {
    id,
    description: 'GoToLocal imagined by a tabular model',
    hasExpert: false,
    create: () =>
      toEnvironment(model, {
        id,
        maxSteps: 30,
        start: async (options) => {
          const observation = observationRecord((await environment.reset(options)).observation);
          return { state: observation, observation };
        },
      }),
  };
}

describeEnvironmentConformance(simulatedSpec(lineWorldEnvironment, 20), { resetMaxSteps: 'honoured' });
describeEnvironmentConformance(simulatedSpec(gridworld('UnlockPickup'), 60), { resetMaxSteps: 'honoured' });
describeEnvironmentConformance(simulatedSpec(gridworld('GoToLocal'), 40), { resetMaxSteps: 'honoured' });
describeEnvironmentConformance(await tabularSpec(), { resetMaxSteps: 'honoured' });

describe('toEnvironment', () => {
  it('plays the real episode when the model is a simulator', async () => {
    const real = gridworld('UnlockPickup');
    const imagined = simulatedSpec(real, 392).create();
    const agent = new Agent({ policy: new ExpertPolicy() });
    const actions: string[] = [];
    agent.events.on('action', ({ action }) => actions.push(action));
    const realResult = await agent.runEpisode(real.create(), { seed: 21 });
    // The imagined environment has no expert: replay the real actions.
    const { observation } = await imagined.reset({ seed: 21 });
    expect(observation.mission).toBe(realResult.outcome.finalObservation!.mission);
    let last;
    for (const action of actions) last = await imagined.step(action);
    expect(last!).toMatchObject({ terminated: true, truncated: false, info: { success: true, confidence: 1 } });
    expect(last!.reward).toBeCloseTo(realResult.outcome.totalReward, 12);
    expect(last!.observation.text).toBe(realResult.outcome.finalObservation!.text);
  });

  it('refuses what the imagined state does not list, and truncates at maxSteps', async () => {
    const imagined = simulatedSpec(lineWorldEnvironment, 2).create();
    await imagined.reset({ seed: 1 });
    await expect(imagined.step('jump')).rejects.toThrow(/Invalid action "jump": the imagined state accepts only "left", "right", "wait"/);
    expect((await imagined.step('wait')).truncated).toBe(false);
    expect(await imagined.step('wait')).toMatchObject({ truncated: true, terminated: false, info: { success: false, stepCount: 2 } });
  });
});
