// VectorEnvironmentPool: slots are ordinary environments (the conformance suite runs on them), steps
// asked for together go out in one stepMany call, errors stay with their instance, close is shared.
import { describe, expect, it } from 'vitest';
import { gridworldEnvironments } from '@worldloop/gridworld';
import {
  ConfigError,
  EnvironmentStateError,
  InvalidActionError,
  type EnvironmentSpec,
  type Observation,
  type StepResult,
  type VectorStepOutcome,
  type VectorStepRequest,
} from '@worldloop/spec';
import { describeEnvironmentConformance, LineWorldEnvironment, lineWorldEnvironment } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { RandomPolicy } from './random-policy.js';
import { SyncVectorEnvironment } from './sync-vector-environment.js';
import { VectorEnvironmentPool } from './vector-environment-pool.js';

/** A line-world vector that records every stepMany call (the indices it carried) and its closes. */
class RecordingVector extends SyncVectorEnvironment<Observation, string> {
  readonly calls: number[][] = [];
  closes = 0;
  failNext: Error | undefined;

  constructor(size: number, length = 8) {
    super(Array.from({ length: size }, () => new LineWorldEnvironment({ length, maxSteps: 20 })));
  }

  override stepMany(requests: readonly VectorStepRequest<string>[]): Promise<readonly VectorStepOutcome<Observation>[]> {
    this.calls.push(requests.map((request) => request.index));
    const failure = this.failNext;
    this.failNext = undefined;
    return failure ? Promise.reject(failure) : super.stepMany(requests);
  }

  override close(): Promise<void> {
    this.closes++;
    return super.close();
  }
}

/** Resets every slot of `pool` with seed = slot index. */
async function resetAll(pool: VectorEnvironmentPool<Observation, string>): Promise<void> {
  await Promise.all(pool.environments.map((environment, index) => environment.reset({ seed: index })));
}

/** Settles to the value or the error, so one test can look at both. */
function settle(step: Promise<StepResult>): Promise<StepResult | unknown> {
  return step.then((result) => result, (error: unknown) => error);
}

describe('VectorEnvironmentPool', () => {
  it('sends the steps every slot in an episode asks for in one stepMany call, at once', async () => {
    const vector = new RecordingVector(3);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    const steps = pool.environments.map((environment) => environment.step('right'));
    expect(vector.calls).toEqual([[0, 1, 2]]); // sent before anything awaited
    const twins = [0, 1, 2].map(() => new LineWorldEnvironment({ length: 8, maxSteps: 20 }));
    const expected = await Promise.all(twins.map(async (twin, index) => (await twin.reset({ seed: index }), twin.step('right'))));
    expect(await Promise.all(steps)).toEqual(expected);
    expect(pool.statistics).toEqual({ stepManyCalls: 1, steps: 3 });
  });

  it('sends a partial batch on the next event-loop turn when some slots in an episode have not asked', async () => {
    const vector = new RecordingVector(3);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    const first = pool.environments[0]!.step('right');
    const second = pool.environments[2]!.step('wait');
    expect(vector.calls).toEqual([]);
    await Promise.all([first, second]);
    expect(vector.calls).toEqual([[0, 2]]);
  });

  it('keeps an invalid action to its own slot: it rejects, the others step, and the slot steps on', async () => {
    const vector = new RecordingVector(3);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    const [invalid, valid, other] = await Promise.all(pool.environments.map((environment, index) => settle(environment.step(index === 0 ? 'fly' : 'right'))));
    expect(invalid).toBeInstanceOf(InvalidActionError);
    expect(valid).toMatchObject({ reward: 0, terminated: false });
    expect(other).toMatchObject({ terminated: false });
    pool.environments.map((environment) => environment.step('right'));
    expect(vector.calls).toEqual([[0, 1, 2], [0, 1, 2]]); // slot 0 still counts as in its episode
  });

  it('stops waiting for a slot whose episode ended, and refuses its steps until reset', async () => {
    const vector = new RecordingVector(2, 3);
    const pool = new VectorEnvironmentPool(vector);
    await pool.environments[0]!.reset({ seed: 1 }); // one cell from the goal
    await pool.environments[1]!.reset({ seed: 0 });
    const [ended] = await Promise.all(pool.environments.map((environment) => environment.step('right')));
    expect(ended).toMatchObject({ terminated: true });
    const alone = pool.environments[1]!.step('wait');
    expect(vector.calls).toEqual([[0, 1], [1]]); // slot 0 no longer holds the batch back
    await alone;
    await expect(pool.environments[0]!.step('right')).rejects.toBeInstanceOf(EnvironmentStateError);
    await pool.environments[0]!.reset({ seed: 0 });
    await expect(pool.environments[0]!.step('right')).resolves.toMatchObject({ terminated: false });
  });

  it('sends the waiting steps as soon as the slot they wait for leaves its episode (a reset or close)', async () => {
    const vector = new RecordingVector(3);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    const waiting = pool.environments[2]!.step('right');
    void pool.environments[0]!.reset({ seed: 4 }); // the agent cut its episode short and starts another
    expect(vector.calls).toEqual([]);
    void pool.environments[1]!.close();
    expect(vector.calls).toEqual([[2]]);
    await waiting;
  });

  it('steps a slot asked twice in one turn in two calls, in order', async () => {
    const vector = new RecordingVector(2);
    const pool = new VectorEnvironmentPool(vector);
    await pool.environments[0]!.reset({ seed: 0 });
    const slot = pool.environments[0]!;
    const results = await Promise.all([slot.step('right'), slot.step('right')]);
    expect(vector.calls).toEqual([[0], [0]]);
    expect(results.map((result) => result.observation.text)).toEqual([
      'You are at cell 1 of 8; the goal is at cell 7.',
      'You are at cell 2 of 8; the goal is at cell 7.',
    ]);
  });

  it('rejects every step of a batch whose stepMany call failed as a whole', async () => {
    const vector = new RecordingVector(2);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    vector.failNext = new ConfigError('broken vector');
    const outcomes = await Promise.all(pool.environments.map((environment) => settle(environment.step('right'))));
    expect(outcomes.map((outcome) => (outcome as Error).message)).toEqual(['broken vector', 'broken vector']);
  });

  it('closes the vector environment once, when its last slot closes, and refuses closed slots', async () => {
    const vector = new RecordingVector(2);
    const pool = new VectorEnvironmentPool(vector);
    await resetAll(pool);
    await pool.environments[0]!.close();
    await pool.environments[0]!.close();
    expect(vector.closes).toBe(0);
    await expect(pool.environments[0]!.step('right')).rejects.toBeInstanceOf(EnvironmentStateError);
    await expect(pool.environments[0]!.reset({ seed: 0 })).rejects.toThrow(/after close/);
    const alone = pool.environments[1]!.step('right');
    expect(vector.calls).toEqual([[1]]); // the closed slot holds nothing back
    await alone;
    await pool.close();
    await pool.close();
    expect(vector.closes).toBe(1);
  });

  it('mirrors the vector environment’s optional capabilities on each slot', async () => {
    const pool = new VectorEnvironmentPool(new RecordingVector(2));
    await resetAll(pool);
    const slot = pool.environments[1]!;
    expect(slot.expertAction!()).toBe('right');
    const snapshot = slot.snapshot!();
    await slot.step('right');
    slot.restore!(snapshot);
    expect(slot.snapshot!()).toEqual(snapshot);
    expect(slot.maxSteps).toBe(20);
    expect(slot.actionSpace.validActions!()).toEqual(['left', 'right', 'wait']);
    const bare = { id: 'bare/Env-v0', size: 1, actionSpace: () => slot.actionSpace, reset: async () => ({ observation: { text: 'bare' }, info: {} }), stepMany: async () => [], close: async () => {} };
    const plainSlot = new VectorEnvironmentPool<any, string>(bare).environments[0]!;
    expect(['snapshot', 'restore', 'expertAction'].filter((name) => name in plainSlot)).toEqual([]);
    expect(plainSlot.maxSteps).toBeUndefined();
  });

  it('batches the episodes of agents whose policy answers at once, step for step', async () => {
    const size = 8;
    const vector = gridworldEnvironments[0]!.createVector!(size);
    const pool = new VectorEnvironmentPool(vector);
    const agent = new Agent({ policy: new RandomPolicy(), maxSteps: 40 });
    const results = await Promise.all(pool.environments.map((environment, index) => agent.runEpisode(environment, { seed: index, episodeIndex: index })));
    const { stepManyCalls, steps } = pool.statistics;
    expect(steps).toBe(results.reduce((sum, result) => sum + result.outcome.stepCount, 0));
    expect(steps / stepManyCalls).toBeGreaterThan(size / 2);
    await pool.close();
  });
});

/** The spec whose `create` is slot 1 of a fresh two-slot pool over `createVector`. */
function pooledSpec(spec: EnvironmentSpec<Observation, string>, createVector: (size: number) => ConstructorParameters<typeof VectorEnvironmentPool<Observation, string>>[0]): EnvironmentSpec<Observation, string> {
  return { ...spec, create: () => new VectorEnvironmentPool(createVector(2)).environments[1]! };
}

for (const spec of gridworldEnvironments) {
  describeEnvironmentConformance(pooledSpec(spec, (size) => spec.createVector!(size)), {
    invalidActions: ['__not_an_action__', 'fly to the moon', 'go to the purple unicorn', 42],
  });
}
describeEnvironmentConformance(pooledSpec(lineWorldEnvironment, (size) => SyncVectorEnvironment.of(size, () => lineWorldEnvironment.create())));
