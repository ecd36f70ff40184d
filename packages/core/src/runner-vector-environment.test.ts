// The runner over a vector environment (createVectorEnvironment): the same recorded steps as the
// plain path for the same seeds, one instance per slot, the vector closed once, bad options refused.
import { describe, expect, it } from 'vitest';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { ConfigError, type Observation, type Policy, type StepRecord } from '@worldloop/spec';
import { LineWorldEnvironment } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { ExpertPolicy } from './expert-policy.js';
import { RandomPolicy } from './random-policy.js';
import { Runner, type RunOptions } from './runner.js';
import { SyncVectorEnvironment } from './sync-vector-environment.js';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/PickupLoc-v0')!;

/** Runs `policy` and returns the summary and every step as it would be recorded, timings left out. */
async function recordedRun(policy: Policy<Observation, string>, environments: Pick<RunOptions, 'createEnvironment' | 'createVectorEnvironment'>) {
  const agent = new Agent({ policy, maxSteps: 60 });
  const steps = new Map<number, Omit<StepRecord, 'timings' | 'startedAt'>[]>();
  agent.events.on('step-end', ({ episode, step }) => {
    const { timings: _timings, startedAt: _startedAt, ...rest } = step;
    steps.set(episode.episodeIndex, [...(steps.get(episode.episodeIndex) ?? []), structuredClone(rest)]);
  });
  const summary = await new Runner(agent).run({ ...environments, episodes: 24, concurrency: 6, baseSeed: 11 });
  return { summary, steps: [...steps.entries()].sort(([a], [b]) => a - b) };
}

describe('Runner with createVectorEnvironment', () => {
  it('records the same steps and outcomes as the plain path for the same seeds', async () => {
    for (const policy of [() => new RandomPolicy({ level: 'valid' }), () => new ExpertPolicy()]) {
      const plain = await recordedRun(policy(), { createEnvironment: () => spec.create() });
      const sizes: number[] = [];
      const vectorised = await recordedRun(policy(), { createVectorEnvironment: (size) => (sizes.push(size), spec.createVector!(size)) });
      expect(sizes).toEqual([6]);
      expect(vectorised.steps).toEqual(plain.steps);
      expect(vectorised.steps.length).toBe(24);
      expect(vectorised.summary.episodes).toEqual(plain.summary.episodes);
      expect(vectorised.summary.totalSteps).toBe(plain.summary.totalSteps);
    }
  });

  it('makes one instance per slot, no more than there are episodes, and closes the vector once', async () => {
    let closes = 0;
    const sizes: number[] = [];
    const summary = await new Runner(new Agent({ policy: new ExpertPolicy() })).run({
      createVectorEnvironment: (size) => {
        sizes.push(size);
        const vector = SyncVectorEnvironment.of(size, () => new LineWorldEnvironment());
        const close = vector.close.bind(vector);
        vector.close = () => (closes++, close());
        return vector;
      },
      episodes: 3,
      concurrency: 8,
    });
    expect(sizes).toEqual([3]);
    expect(closes).toBe(1);
    expect(summary.successRate).toBe(1);
  });

  it('refuses neither or both factories, and a vector of the wrong size, with ConfigError', async () => {
    const runner = new Runner(new Agent({ policy: new ExpertPolicy() }));
    const create = () => new LineWorldEnvironment();
    await expect(runner.run({ episodes: 1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(runner.run({ episodes: 1, createEnvironment: create, createVectorEnvironment: (size) => SyncVectorEnvironment.of(size, create) })).rejects.toThrow(/exactly one/);
    await expect(runner.run({ episodes: 4, concurrency: 2, createVectorEnvironment: () => SyncVectorEnvironment.of(3, create) })).rejects.toThrow(/3 instances/);
  });
});
