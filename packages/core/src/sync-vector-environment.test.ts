// SyncVectorEnvironment: N ordinary environments behind the vector contract, errors per instance.
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvironmentStateError, InvalidActionError, type Environment } from '@worldloop/spec';
import { LineWorldEnvironment } from '@worldloop/testkit';
import { SyncVectorEnvironment } from './sync-vector-environment.js';

/** A line world that counts its closes. */
class CountingLineWorld extends LineWorldEnvironment {
  closes = 0;
  override async close(): Promise<void> {
    this.closes++;
  }
}

describe('SyncVectorEnvironment', () => {
  it('steps each requested instance like the environment alone, answering in request order', async () => {
    const vector = SyncVectorEnvironment.of(3, () => new LineWorldEnvironment({ length: 8 }));
    const alone = [0, 1, 2].map(() => new LineWorldEnvironment({ length: 8 }));
    for (const index of [0, 1, 2]) {
      const reset = await vector.reset(index, { seed: index + 1 });
      expect(reset).toEqual(await alone[index]!.reset({ seed: index + 1 }));
    }
    const outcomes = await vector.stepMany([
      { index: 2, action: 'right' },
      { index: 0, action: 'left' },
    ]);
    expect(outcomes).toEqual([
      { ok: true, result: await alone[2]!.step('right') },
      { ok: true, result: await alone[0]!.step('left') },
    ]);
    expect(vector.actionSpace(1).validActions!()).toEqual(['left', 'right', 'wait']);
    expect(vector.maxSteps(1)).toBe(20);
  });

  it('returns one instance’s error as its outcome while the others step', async () => {
    const vector = SyncVectorEnvironment.of(3, () => new LineWorldEnvironment());
    await vector.reset(0, { seed: 1 });
    await vector.reset(1, { seed: 1 });
    const outcomes = await vector.stepMany([
      { index: 0, action: 'fly' },
      { index: 1, action: 'right' },
      { index: 2, action: 'right' },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: false });
    expect((outcomes[0] as { error: unknown }).error).toBeInstanceOf(InvalidActionError);
    expect(outcomes[1]).toMatchObject({ ok: true, result: { reward: 0 } });
    expect((outcomes[2] as { error: unknown }).error).toBeInstanceOf(EnvironmentStateError);
  });

  it('turns a synchronous throw of an environment’s step into that instance’s outcome', async () => {
    const throwing = new LineWorldEnvironment();
    (throwing as { step: Environment['step'] }).step = () => {
      throw new EnvironmentStateError('broken');
    };
    const vector = new SyncVectorEnvironment([throwing, new LineWorldEnvironment()]);
    await vector.reset(1, { seed: 0 });
    const outcomes = await vector.stepMany([{ index: 0, action: 'right' }, { index: 1, action: 'right' }]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, true]);
  });

  it('refuses indices out of range or repeated with ConfigError, stepping nothing', async () => {
    const vector = SyncVectorEnvironment.of(2, () => new LineWorldEnvironment());
    await vector.reset(0, { seed: 0 });
    const before = vector.snapshot!(0);
    await expect(vector.stepMany([{ index: 0, action: 'right' }, { index: 2, action: 'right' }])).rejects.toBeInstanceOf(ConfigError);
    await expect(vector.stepMany([{ index: 0, action: 'right' }, { index: 0, action: 'right' }])).rejects.toBeInstanceOf(ConfigError);
    expect(vector.snapshot!(0)).toEqual(before);
    expect(() => vector.actionSpace(-1)).toThrow(ConfigError);
    await expect(vector.reset(1.5)).rejects.toBeInstanceOf(ConfigError);
  });

  it('offers snapshot, restore and the expert per instance when the environments do', async () => {
    const vector = SyncVectorEnvironment.of(2, () => new LineWorldEnvironment());
    await vector.reset(0, { seed: 2 });
    await vector.reset(1, { seed: 3 });
    const snapshot = vector.snapshot!(0);
    vector.restore!(1, snapshot);
    expect(vector.snapshot!(1)).toEqual(snapshot);
    expect(vector.expertAction!(0)).toBe('right');
    const bare = { id: 'bare/Env-v0', actionSpace: new LineWorldEnvironment().actionSpace, reset: async () => ({ observation: { text: 'x' }, info: {} }), step: async () => { throw new Error('no'); }, close: async () => {} };
    const plain = new SyncVectorEnvironment<any, string>([bare]);
    expect('snapshot' in plain || 'restore' in plain || 'expertAction' in plain).toBe(false);
  });

  it('refuses no environments or mixed ids, and closes each environment once however often it is closed', async () => {
    expect(() => new SyncVectorEnvironment([])).toThrow(ConfigError);
    const other = { ...new LineWorldEnvironment(), id: 'other/Env-v0' } as unknown as Environment;
    expect(() => new SyncVectorEnvironment([new LineWorldEnvironment(), other])).toThrow(/one id/);
    expect(() => SyncVectorEnvironment.of(0, () => new LineWorldEnvironment())).toThrow(ConfigError);
    const environments = [new CountingLineWorld(), new CountingLineWorld()];
    const vector = new SyncVectorEnvironment(environments);
    await Promise.all([vector.close(), vector.close()]);
    await vector.close();
    expect(environments.map((environment) => environment.closes)).toEqual([1, 1]);
  });
});
