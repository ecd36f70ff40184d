// The registry: five tasks, the expert solving 200 seeds of each, and random policies doing worse.
import { describe, expect, it } from 'vitest';
import type { Environment } from '@worldloop/spec';
import { gridworldEnvironments } from './gridworld-environments.js';
import type { GridworldObservation } from './gridworld-observation.js';
import { SeededRandom } from './seeded-random.js';

const primitives = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'];

interface EpisodeOutcome {
  readonly success: boolean;
  readonly reward: number;
  readonly steps: number;
}

async function runEpisode(environment: Environment<GridworldObservation, string>, seed: number, choose: () => string | undefined): Promise<EpisodeOutcome> {
  await environment.reset({ seed });
  for (;;) {
    const action = choose();
    if (action === undefined) throw new Error(`${environment.id} seed ${seed}: no action to take`);
    const step = await environment.step(action);
    if (step.terminated || step.truncated) {
      return { success: step.info.success === true, reward: step.reward, steps: step.observation.stepCount };
    }
  }
}

describe('gridworldEnvironments', () => {
  it('registers the five tasks with versioned ids, descriptions and experts', () => {
    expect(gridworldEnvironments.map((spec) => spec.id)).toEqual([
      'gridworld/GoToLocal-v0',
      'gridworld/PickupLoc-v0',
      'gridworld/OpenDoor-v0',
      'gridworld/UnlockPickup-v0',
      'gridworld/GoToObjMaze-v0',
    ]);
    for (const spec of gridworldEnvironments) {
      expect(spec.hasExpert).toBe(true);
      expect(spec.description.length).toBeGreaterThan(20);
      const environment = spec.create({ maxSteps: 77 });
      expect(environment.id).toBe(spec.id);
      expect(environment.maxSteps).toBe(77);
    }
    expect(gridworldEnvironments.map((spec) => spec.create().maxSteps)).toEqual([64, 64, 441, 392, 441]);
  });

  for (const spec of gridworldEnvironments) {
    it(`${spec.id}: the expert succeeds on 200 seeds within maxSteps`, async () => {
      const environment = spec.create();
      const maxSteps = environment.maxSteps!;
      for (let seed = 0; seed < 200; seed++) {
        const outcome = await runEpisode(environment, seed, () => environment.expertAction!());
        expect(outcome.success, `seed ${seed}`).toBe(true);
        expect(outcome.reward).toBeGreaterThan(0);
        expect(outcome.reward).toBeLessThanOrEqual(1);
        expect(outcome.reward).toBeCloseTo(1 - 0.9 * (outcome.steps / maxSteps));
      }
    });
  }

  it('random policies do worse than the expert', async () => {
    // Text commands make random choice over validActions() strong: with BabyAI's step limits it
    // succeeds on most GoToLocal, OpenDoor, UnlockPickup and GoToObjMaze episodes, only later.
    // So it is compared by mean reward everywhere, by success rate on PickupLoc only (where
    // picking up a wrong object keeps the hands full); random primitives fail most episodes.
    for (const spec of gridworldEnvironments) {
      const environment = spec.create();
      const random = new SeededRandom(17);
      const episodes = 40;
      const totals = { expertReward: 0, validReward: 0, validSuccess: 0, primitiveSuccess: 0 };
      for (let seed = 0; seed < episodes; seed++) {
        totals.expertReward += (await runEpisode(environment, seed, () => environment.expertAction!())).reward;
        const valid = await runEpisode(environment, seed, () => random.pick(environment.actionSpace.validActions!()));
        totals.validReward += valid.reward;
        if (valid.success) totals.validSuccess++;
        if ((await runEpisode(environment, seed, () => random.pick(primitives))).success) totals.primitiveSuccess++;
      }
      expect(totals.validReward, spec.id).toBeLessThan(totals.expertReward - 0.05 * episodes);
      expect(totals.primitiveSuccess / episodes, spec.id).toBeLessThan(0.4);
      if (spec.id === 'gridworld/PickupLoc-v0') expect(totals.validSuccess / episodes, spec.id).toBeLessThan(0.5);
    }
  });
});
