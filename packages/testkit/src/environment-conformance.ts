// The environment conformance suite: every registered environment runs it (one line per spec).
// It checks the reset/step contract, determinism by seed, snapshot/restore round trips, that valid
// actions are accepted while invalid ones are refused with InvalidActionError, state unchanged, and
// how a reset's maxSteps (the caller's step budget) is taken.
import { describe, expect, it } from 'vitest';
import { EnvironmentStateError, type Environment, type EnvironmentOptions, type EnvironmentSpec, type Observation } from '@worldloop/spec';
import { checkDeterminism, checkEpisodeEnds, checkInvalidActions, checkResetStepLimit, checkSnapshotRestore, chooser, pickValid, type ResetStepLimitHandling } from './environment-conformance-checks.js';

export type { ResetStepLimitHandling } from './environment-conformance-checks.js';

/** Options of the suite. */
export interface EnvironmentConformanceOptions {
  /** Options passed to `spec.create`. */
  readonly environmentOptions?: EnvironmentOptions;
  /** Seeds to check (default 3 fixed seeds). */
  readonly seeds?: readonly number[];
  /** Actions the environment must refuse in any state (default: two nonsense strings). */
  readonly invalidActions?: readonly unknown[];
  /** Steps per rollout (default 40). */
  readonly rolloutSteps?: number;
  /**
   * How the environment must treat a reset's `maxSteps` (`ResetOptions.maxSteps`): `'honoured'`
   * (truncate at the caller's smaller limit and report it), or `'ignored'` (allowed for a remote
   * one). Default: whichever it shows by the `maxSteps` it reports after such a reset, held to that.
   */
  readonly resetMaxSteps?: ResetStepLimitHandling;
}

/**
 * Declares a vitest `describe` block checking that `spec` honours the `Environment` contract.
 *
 * @example
 * for (const spec of gridworldEnvironments) describeEnvironmentConformance(spec);
 */
export function describeEnvironmentConformance(spec: EnvironmentSpec<Observation, any>, options: EnvironmentConformanceOptions = {}): void {
  const seeds = options.seeds ?? [1, 7, 12345];
  const steps = options.rolloutSteps ?? 40;
  const invalidActions = options.invalidActions ?? ['__not_an_action__', 'fly to the moon'];
  const create = (): Environment<Observation, any> => spec.create(options.environmentOptions);

  describe(`environment conformance: ${spec.id}`, () => {
    it('has the registered id and a described action space', () => {
      const environment = create();
      expect(environment.id).toBe(spec.id);
      expect(typeof environment.actionSpace.describe()).toBe('string');
      expect(environment.actionSpace.describe().length).toBeGreaterThan(0);
    });

    it('refuses step before reset with EnvironmentStateError', async () => {
      const environment = create();
      const valid = ['left', 'right', 'forward', 'look', 'wait'];
      await expect(environment.step(valid[0])).rejects.toBeInstanceOf(EnvironmentStateError);
    });

    it('resets to an observation with text and steps to well-typed results', async () => {
      const environment = create();
      const { observation, info } = await environment.reset({ seed: seeds[0] });
      expect(typeof observation.text).toBe('string');
      expect(observation.text.length).toBeGreaterThan(0);
      expect(typeof info).toBe('object');
      const action = pickValid(environment, chooser(1));
      expect(action, 'validActions() must list at least one action after reset').toBeDefined();
      const step = await environment.step(action);
      expect(typeof step.reward).toBe('number');
      expect(Number.isFinite(step.reward)).toBe(true);
      expect(typeof step.terminated).toBe('boolean');
      expect(typeof step.truncated).toBe('boolean');
      expect(typeof step.observation.text).toBe('string');
      expect(typeof step.info).toBe('object');
    });

    it('is deterministic: the same seed and actions give the same observations', async () => {
      await checkDeterminism(create, seeds, steps);
    });

    it('accepts every action it lists as valid', async () => {
      const environment = create();
      await environment.reset({ seed: seeds[0] });
      const valid = environment.actionSpace.validActions?.() ?? [];
      for (const action of valid) {
        const validation = environment.actionSpace.validate(action);
        expect(validation.ok, `validate(${JSON.stringify(action)}) must accept a listed action`).toBe(true);
      }
      if (valid.length > 0) await expect(environment.step(valid[0])).resolves.toBeDefined();
    });

    it('refuses invalid actions with InvalidActionError naming the action, in every state, state unchanged', async () => {
      await checkInvalidActions(create, seeds[0]!, invalidActions, steps);
    });

    it('ends episodes with terminated or truncated within maxSteps, then refuses steps until reset', async () => {
      await checkEpisodeEnds(create, seeds[0]!);
    });

    it("takes a reset's maxSteps as the contract says: the first observation unchanged; honoured, truncating there, or ignored; bad values refused", async () => {
      await checkResetStepLimit(create, seeds, options.resetMaxSteps);
    });

    if (typeof create().snapshot === 'function') {
      it('restores a snapshot exactly (round trip through JSON) and refuses one of another id', async () => {
        await checkSnapshotRestore(create, seeds, steps);
      });
    } else {
      it('offers neither snapshot nor restore (the capability comes whole or not at all)', () => {
        const environment = create();
        expect(environment.snapshot).toBeUndefined();
        expect(environment.restore).toBeUndefined();
      });
    }

    it('closes idempotently', async () => {
      const environment = create();
      await environment.reset({ seed: seeds[0] });
      await environment.close();
      await environment.close();
    });
  });
}
