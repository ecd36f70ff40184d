// The suite's episode checks fail for environments that break the contract: a restore that does
// nothing, truncation one step after the declared maxSteps, a reset that does not reseed, a reset
// maxSteps honoured by halves.
import { ConfigError, InvalidActionError, type Environment, type EnvSnapshot, type Observation, type ResetOptions } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { checkDeterminism, checkEpisodeEnds, checkInvalidActions, checkResetStepLimit, checkSnapshotRestore } from './environment-conformance-checks.js';
import { LineWorldEnvironment, type LineWorldOptions } from './line-world-environment.js';

/** A LineWorld seen through a wrapper whose members (getters included) can be replaced one at a time. */
function wrapped(options: LineWorldOptions, replace: (inner: LineWorldEnvironment) => Partial<Environment<Observation, string>>): () => Environment<Observation, string> {
  return () => {
    const inner = new LineWorldEnvironment(options);
    const base: Environment<Observation, string> = {
      id: inner.id,
      actionSpace: inner.actionSpace,
      get maxSteps() {
        return inner.maxSteps;
      },
      reset: (resetOptions?: ResetOptions) => inner.reset(resetOptions),
      step: (action: string) => inner.step(action),
      snapshot: () => inner.snapshot(),
      restore: (snapshot: EnvSnapshot) => inner.restore(snapshot),
      close: () => inner.close(),
    };
    return Object.defineProperties(base, Object.getOwnPropertyDescriptors(replace(inner)));
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
    expect(await checkResetStepLimit(create, seeds, 'honoured')).toBe('honoured');
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

  describe("reset's maxSteps", () => {
    const withoutBudget = (options?: ResetOptions): ResetOptions => {
      const { maxSteps: _ignored, ...rest } = options ?? {};
      return rest;
    };

    it('pass for an environment that ignores it altogether (reporting and keeping its own limit), unless honouring is required', async () => {
      const ignoring = wrapped({ length: 50, maxSteps: 10 }, (inner) => ({ reset: (options?: ResetOptions) => inner.reset(withoutBudget(options)) }));
      expect(await checkResetStepLimit(ignoring, seeds)).toBe('ignored');
      await expect(checkResetStepLimit(ignoring, seeds, 'honoured')).rejects.toThrow(/reset with maxSteps 3 \(own 10\) is 10/);
    });

    it('fail for an environment that reports the limit but does not truncate there', async () => {
      const reportsOnly = wrapped({ length: 50, maxSteps: 10 }, (inner) => {
        let limit = 10;
        return {
          reset: async (options?: ResetOptions) => {
            const result = await inner.reset(withoutBudget(options));
            limit = Math.min(options?.maxSteps ?? 10, 10);
            return result;
          },
          get maxSteps() {
            return limit;
          },
        };
      });
      await expect(checkResetStepLimit(reportsOnly, seeds)).rejects.toThrow(/after 3 steps .*: truncated/);
    });

    it('fail for an environment that truncates there but reports its own limit', async () => {
      const silent = wrapped({ length: 50, maxSteps: 10 }, () => ({ maxSteps: 10 }));
      await expect(checkResetStepLimit(silent, seeds)).rejects.toThrow(/after 3 steps .*reporting maxSteps 10: truncated/);
    });

    it('fail for a first observation that states the budget', async () => {
      const telling = wrapped({ length: 50, maxSteps: 10 }, (inner) => ({
        reset: async (options?: ResetOptions) => {
          const result = await inner.reset(options);
          return { ...result, observation: { ...result.observation, text: `${result.observation.text} You have ${inner.maxSteps} steps.` } };
        },
      }));
      await expect(checkResetStepLimit(telling, seeds)).rejects.toThrow(/the first observation with maxSteps/);
    });

    it('fail for an environment that honours it but takes a bad value, or is left unusable by one', async () => {
      const lax = wrapped({ length: 50, maxSteps: 10 }, (inner) => ({
        reset: (options?: ResetOptions) => inner.reset(typeof options?.maxSteps === 'number' && options.maxSteps > 0 ? options : withoutBudget(options)),
      }));
      await expect(checkResetStepLimit(lax, seeds)).rejects.toThrow(/reset with maxSteps 0/);
      const broken = wrapped({ length: 50, maxSteps: 10 }, (inner) => {
        let refused = false;
        return {
          reset: async (options?: ResetOptions) => {
            if (refused) throw new ConfigError('this environment is broken now');
            try {
              return await inner.reset(options);
            } catch (error) {
              refused = true;
              throw error;
            }
          },
        };
      });
      await expect(checkResetStepLimit(broken, seeds)).rejects.toThrow(/this environment is broken now/);
    });
  });
});
