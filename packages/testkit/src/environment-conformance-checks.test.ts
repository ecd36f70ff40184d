// The suite's episode checks fail for environments that break the contract: a restore that does
// nothing, truncation one step after the declared maxSteps, a reset that does not reseed.
import { InvalidActionError, type Environment, type EnvSnapshot, type Observation, type ResetOptions } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { checkDeterminism, checkEpisodeEnds, checkInvalidActions, checkSnapshotRestore } from './environment-conformance-checks.js';
import { LineWorldEnvironment, type LineWorldOptions } from './line-world-environment.js';

/** A LineWorld seen through a wrapper whose members can be replaced one at a time. */
function wrapped(options: LineWorldOptions, replace: (inner: LineWorldEnvironment) => Partial<Environment<Observation, string>>): () => Environment<Observation, string> {
  return () => {
    const inner = new LineWorldEnvironment(options);
    return {
      id: inner.id,
      actionSpace: inner.actionSpace,
      maxSteps: inner.maxSteps,
      reset: (resetOptions?: ResetOptions) => inner.reset(resetOptions),
      step: (action: string) => inner.step(action),
      snapshot: () => inner.snapshot(),
      restore: (snapshot: EnvSnapshot) => inner.restore(snapshot),
      close: () => inner.close(),
      ...replace(inner),
    };
  };
}

const seeds = [1, 7, 12345];

describe('environment conformance checks', () => {
  it('pass for the reference environment', async () => {
    const create = () => new LineWorldEnvironment();
    await checkDeterminism(create, seeds, 40);
    await checkEpisodeEnds(create, 1);
    await checkSnapshotRestore(create, seeds, 40);
    await checkInvalidActions(create, 1, ['fly', 42], 40);
  });

  it('fail for invalid actions that change the state of an environment without snapshots', async () => {
    const leaky = wrapped({ length: 8 }, (inner) => ({
      snapshot: undefined,
      restore: undefined,
      step: async (action: string) => {
        if (!inner.actionSpace.validate(action).ok) {
          await inner.step('right');
          throw new InvalidActionError(action, 'expected one of left, right, wait');
        }
        return inner.step(action);
      },
    }));
    await expect(checkInvalidActions(leaky, 1, ['fly'], 40)).rejects.toThrow();
  });

  it('fail for an action listed as invalid that some state accepts', async () => {
    await expect(checkInvalidActions(() => new LineWorldEnvironment({ maxSteps: 5 }), 1, ['fly', 'LEFT '], 40)).rejects.toThrow(/validate\("LEFT "\) before step 0/);
  });

  it('fail for a restore that does nothing, even where the states in between look alike', async () => {
    const noOp = wrapped({ length: 5 }, (inner) => ({
      restore: (snapshot: EnvSnapshot) => {
        if (snapshot.environmentId !== inner.id) inner.restore(snapshot);
      },
    }));
    await expect(checkSnapshotRestore(noOp, seeds, 40)).rejects.toThrow(/restored into the same instance/);
  });

  it('fail for a restore that accepts a snapshot of another environment id', async () => {
    const lax = wrapped({}, (inner) => ({ restore: (snapshot: EnvSnapshot) => inner.restore({ ...snapshot, environmentId: inner.id }) }));
    await expect(checkSnapshotRestore(lax, seeds, 40)).rejects.toThrow(/another environment id/);
  });

  it('fail for an environment that truncates one step after its declared maxSteps', async () => {
    const late = wrapped({ length: 50, maxSteps: 4 }, () => ({ maxSteps: 3 }));
    await expect(checkEpisodeEnds(late, 1)).rejects.toThrow(/must end within maxSteps \(3\)/);
  });

  it('fail for a reset that does not reseed an instance already used', async () => {
    const sticky = wrapped({}, (inner) => {
      let first: number | undefined;
      return { reset: (options?: ResetOptions) => inner.reset({ seed: (first ??= options?.seed) }) };
    });
    await expect(checkDeterminism(sticky, seeds, 40)).rejects.toThrow(/the same instance after another episode/);
  });
});
