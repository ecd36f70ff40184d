// The registry: six task families with versioned ids, the expert solving at least 99% of 200
// seeds of each (also after random detours), and a random policy doing worse.
import { SeededRandom } from '@worldloop/core';
import type { Environment } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { householdEnvironments } from './household-environments.js';
import type { HouseholdObservation } from './household-observation.js';

interface EpisodeOutcome {
  readonly success: boolean;
  readonly steps: number;
}

/** Plays `detour` random admissible commands, then the expert, checking every expert command was listed. */
async function runEpisode(environment: Environment<HouseholdObservation, string>, seed: number, detour: number, random: SeededRandom): Promise<EpisodeOutcome> {
  let { observation } = await environment.reset({ seed });
  for (let steps = 1; ; steps++) {
    const expert = steps > detour;
    const action = expert ? environment.expertAction!() : random.pick(observation.validActions);
    if (action === undefined) throw new Error(`${environment.id} seed ${seed}: the expert has no action at step ${steps}`);
    if (expert) expect(observation.validActions, `${environment.id} seed ${seed}`).toContain(action);
    const step = await environment.step(action);
    observation = step.observation;
    if (step.terminated || step.truncated) return { success: step.info.success === true, steps };
  }
}

describe('householdEnvironments', () => {
  it('registers the six ALFWorld task families with versioned ids, descriptions and experts', () => {
    expect(householdEnvironments.map((spec) => spec.id)).toEqual([
      'household/PickAndPlace-v0',
      'household/PickCleanThenPlace-v0',
      'household/PickHeatThenPlace-v0',
      'household/PickCoolThenPlace-v0',
      'household/LookAtInLight-v0',
      'household/PickTwo-v0',
    ]);
    for (const spec of householdEnvironments) {
      expect(spec.hasExpert).toBe(true);
      expect(spec.description.length).toBeGreaterThan(40);
      const environment = spec.create({ maxSteps: 77 });
      expect(environment.id).toBe(spec.id);
      expect(environment.maxSteps).toBe(77);
      expect(spec.create().maxSteps).toBe(50);
    }
  });

  for (const spec of householdEnvironments) {
    it(`${spec.id}: the expert solves at least 99% of 200 seeds within 50 steps, from the start and after random detours`, async () => {
      const environment = spec.create();
      const random = new SeededRandom(3);
      let fromStart = 0;
      let afterDetour = 0;
      let longest = 0;
      for (let seed = 0; seed < 200; seed++) {
        const outcome = await runEpisode(environment, seed, 0, random);
        if (outcome.success) fromStart++;
        longest = Math.max(longest, outcome.steps);
        if ((await runEpisode(environment, seed, 1 + (seed % 15), random)).success) afterDetour++;
      }
      expect(fromStart / 200).toBeGreaterThanOrEqual(0.99);
      expect(afterDetour / 200).toBeGreaterThanOrEqual(0.99);
      expect(longest).toBeLessThanOrEqual(spec.id.includes('PickTwo') ? 14 : 10);
    });
  }

  it('a random policy over the admissible commands does much worse than the expert', async () => {
    for (const spec of householdEnvironments) {
      const environment = spec.create();
      const random = new SeededRandom(17);
      let successes = 0;
      for (let seed = 0; seed < 40; seed++) if ((await runEpisode(environment, seed, Number.POSITIVE_INFINITY, random)).success) successes++;
      expect(successes / 40, spec.id).toBeLessThan(0.2);
    }
  });
});
