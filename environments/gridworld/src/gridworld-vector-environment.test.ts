// The gridworld vector environment: each instance steps exactly like a GridworldEnvironment, errors
// stay with their instance, bad indices are refused, and every registered spec can make one.
import { ConfigError, EnvironmentStateError, InvalidActionError, type VectorStepOutcome } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { GridworldEnvironment } from './gridworld-environment.js';
import { gridworldEnvironments } from './gridworld-environments.js';
import type { GridworldObservation } from './gridworld-observation.js';
import { GridworldVectorEnvironment } from './gridworld-vector-environment.js';
import { SeededRandom } from './seeded-random.js';

/** What a step shows, observation text included, for comparing two environments. */
function shown(outcome: VectorStepOutcome<GridworldObservation>): unknown {
  if (!outcome.ok) return { error: (outcome.error as Error).message };
  const { observation, ...rest } = outcome.result;
  return { ...rest, text: observation.text, validActions: observation.validActions };
}

describe('GridworldVectorEnvironment', () => {
  it('steps every instance like its own GridworldEnvironment, over many episodes and any subset', async () => {
    const size = 5;
    const vector = new GridworldVectorEnvironment('UnlockPickup', size, { maxSteps: 30 });
    const plain = Array.from({ length: size }, () => new GridworldEnvironment('UnlockPickup', { maxSteps: 30 }));
    const random = new SeededRandom(3);
    let episodes = 0;
    for (let index = 0; index < size; index++) {
      const seed = index + 100;
      expect((await vector.reset(index, { seed })).observation.text).toBe((await plain[index]!.reset({ seed })).observation.text);
    }
    for (let round = 0; round < 200; round++) {
      const indices = Array.from({ length: size }, (_, index) => index).filter(() => random.nextFloat() < 0.7);
      const requests = indices.map((index) => ({ index, action: random.pick(plain[index]!.actionSpace.validActions()) }));
      const outcomes = await vector.stepMany(requests);
      const expected = await Promise.all(requests.map(({ index, action }) => plain[index]!.step(action).then((result) => ({ ok: true as const, result }))));
      expect(outcomes.map(shown)).toEqual(expected.map(shown));
      for (const [position, { index }] of requests.entries()) {
        const outcome = outcomes[position]!;
        if (outcome.ok && (outcome.result.terminated || outcome.result.truncated)) {
          episodes++;
          await vector.reset(index, { seed: 1000 + round });
          await plain[index]!.reset({ seed: 1000 + round });
        }
      }
    }
    expect(episodes).toBeGreaterThan(size);
    for (let index = 0; index < size; index++) expect(vector.snapshot(index)).toEqual(plain[index]!.snapshot());
  });

  it('keeps an instance’s error to that instance: the others step in the same call', async () => {
    const vector = new GridworldVectorEnvironment('GoToLocal', 3);
    await vector.reset(0, { seed: 1 });
    await vector.reset(2, { seed: 2 });
    const before = vector.snapshot(0);
    const outcomes = await vector.stepMany([
      { index: 0, action: 'fly to the moon' },
      { index: 1, action: 'left' },
      { index: 2, action: 'left' },
    ]);
    expect(outcomes[0]!.ok === false && outcomes[0]!.error).toBeInstanceOf(InvalidActionError);
    expect(outcomes[1]!.ok === false && outcomes[1]!.error).toBeInstanceOf(EnvironmentStateError);
    expect(outcomes[2]).toMatchObject({ ok: true, result: { info: { primitiveSteps: 1 } } });
    expect(vector.snapshot(0)).toEqual(before);
  });

  it('refuses bad sizes and indices with ConfigError, stepping nothing', async () => {
    expect(() => new GridworldVectorEnvironment('GoToLocal', 0)).toThrow(ConfigError);
    expect(() => new GridworldVectorEnvironment('GoToLocal', 2, { roomSize: 99 })).toThrow(ConfigError);
    const vector = new GridworldVectorEnvironment('GoToLocal', 2);
    await vector.reset(0, { seed: 1 });
    const before = vector.snapshot(0);
    await expect(vector.stepMany([{ index: 0, action: 'left' }, { index: 2, action: 'left' }])).rejects.toBeInstanceOf(ConfigError);
    await expect(vector.stepMany([{ index: 0, action: 'left' }, { index: 0, action: 'left' }])).rejects.toThrow(/twice/);
    expect(vector.snapshot(0)).toEqual(before);
    await expect(vector.reset(-1)).rejects.toBeInstanceOf(ConfigError);
    expect(() => vector.expertAction(2)).toThrow(ConfigError);
  });

  it('offers the expert, snapshots and the step limit per instance', async () => {
    const vector = new GridworldVectorEnvironment('OpenDoor', 2, { maxSteps: 50 });
    await vector.reset(0, { seed: 5 });
    await vector.reset(1, { seed: 6 });
    const twin = new GridworldEnvironment('OpenDoor', { maxSteps: 50 });
    await twin.reset({ seed: 6 });
    expect(vector.expertAction(1)).toBe(twin.expertAction());
    expect(vector.maxSteps(1)).toBe(50);
    expect(vector.actionSpace(1).validActions()).toEqual(twin.actionSpace.validActions());
    vector.restore(0, vector.snapshot(1));
    expect(vector.snapshot(0)).toEqual(twin.snapshot());
    await vector.close();
    await vector.close();
  });

  it('is what every registered gridworld spec makes with createVector', () => {
    for (const spec of gridworldEnvironments) {
      const vector = spec.createVector!(3, { roomSize: 9 });
      expect(vector).toBeInstanceOf(GridworldVectorEnvironment);
      expect(vector.id).toBe(spec.id);
      expect(vector.size).toBe(3);
    }
  });
});
