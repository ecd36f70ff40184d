// The reference environment passes the conformance suite, which proves the suite itself runs; and
// it keeps its own contract on the edges the suite does not reach (seeds, snapshot versions, shapes).
import { ConfigError, EnvironmentStateError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { describeEnvironmentConformance } from './environment-conformance.js';
import { LineWorldEnvironment, lineWorldEnvironment } from './line-world-environment.js';

describeEnvironmentConformance(lineWorldEnvironment, { resetMaxSteps: 'honoured' });

describe('LineWorldEnvironment', () => {
  it('starts a playable episode on any integer seed, negative ones included', async () => {
    const environment = new LineWorldEnvironment({ length: 5 });
    for (const seed of [-1, -6, -12345]) {
      const { observation } = await environment.reset({ seed });
      expect(observation.features!.position).toBeGreaterThanOrEqual(0);
      expect(observation.features!.position).toBeLessThan(4);
      await expect(environment.step('right')).resolves.toMatchObject({ reward: expect.any(Number) });
    }
  });

  it('refuses a seed that is not a safe integer with ConfigError', async () => {
    const environment = new LineWorldEnvironment();
    await expect(environment.reset({ seed: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(environment.reset({ seed: Number.NaN })).rejects.toBeInstanceOf(ConfigError);
  });

  it("truncates at a reset's smaller maxSteps, reports it until the next reset, and keeps it through a snapshot", async () => {
    const environment = new LineWorldEnvironment({ length: 50, maxSteps: 10 });
    await environment.reset({ seed: 1, maxSteps: 3 });
    expect(environment.maxSteps).toBe(3);
    await environment.step('wait');
    const snapshot = environment.snapshot();
    await environment.step('wait');
    expect(await environment.step('wait')).toMatchObject({ terminated: false, truncated: true });
    await environment.reset({ seed: 1 });
    expect(environment.maxSteps).toBe(10);
    environment.restore(snapshot);
    expect(environment.maxSteps).toBe(3);
    await environment.step('wait');
    expect(await environment.step('wait')).toMatchObject({ truncated: true });
    await environment.reset({ seed: 1, maxSteps: 500 });
    expect(environment.maxSteps).toBe(10);
    await expect(environment.reset({ seed: 1, maxSteps: 0 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses a snapshot of another format version', async () => {
    const environment = new LineWorldEnvironment();
    await environment.reset({ seed: 1 });
    const snapshot = environment.snapshot();
    expect(() => environment.restore({ ...snapshot, version: 2 })).toThrow(EnvironmentStateError);
  });

  it('refuses a line too short to have a start before the goal, and a step limit below 1', () => {
    expect(() => new LineWorldEnvironment({ length: 1 })).toThrow(ConfigError);
    expect(() => new LineWorldEnvironment({ length: 2.5 })).toThrow(ConfigError);
    expect(() => new LineWorldEnvironment({ maxSteps: 0 })).toThrow(ConfigError);
    expect(() => lineWorldEnvironment.create({ length: 'long' })).toThrow(ConfigError);
  });
});
