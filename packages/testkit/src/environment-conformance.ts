// The environment conformance suite: every registered environment runs it (one line per spec).
// It checks the reset/step contract, determinism by seed, snapshot/restore round trips, and that
// valid actions are accepted while invalid ones are refused with InvalidActionError, state unchanged.
import { describe, expect, it } from 'vitest';
import {
  EnvironmentStateError,
  InvalidActionError,
  type Environment,
  type EnvironmentOptions,
  type EnvironmentSpec,
  type Observation,
  type StepResult,
} from '@worldloop/spec';

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
}

/** A tiny seeded generator so the suite needs nothing from other packages. */
function chooser(seed: number): (count: number) => number {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return (count) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % count;
  };
}

interface Rollout {
  readonly texts: string[];
  readonly rewards: number[];
  readonly flags: string[];
  readonly actions: unknown[];
}

/** Plays valid actions chosen by a seeded generator until the episode ends or `steps` run out. */
async function rollout(environment: Environment<Observation, any>, seed: number, steps: number, actions?: readonly unknown[]): Promise<Rollout> {
  const { observation } = await environment.reset({ seed });
  const result: Rollout = { texts: [observation.text], rewards: [], flags: [], actions: [] };
  const choose = chooser(seed);
  for (let index = 0; index < steps; index++) {
    const action = actions ? actions[index] : pickValid(environment, choose);
    if (action === undefined) break;
    const step: StepResult = await environment.step(action);
    result.actions.push(action);
    result.texts.push(step.observation.text);
    result.rewards.push(step.reward);
    result.flags.push(`${step.terminated}/${step.truncated}`);
    if (step.terminated || step.truncated) break;
  }
  return result;
}

function pickValid(environment: Environment<Observation, any>, choose: (count: number) => number): unknown {
  const valid = environment.actionSpace.validActions?.() ?? [];
  return valid.length > 0 ? valid[choose(valid.length)] : undefined;
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
      for (const seed of seeds) {
        const first = await rollout(create(), seed, steps);
        const second = await rollout(create(), seed, steps, first.actions);
        expect(second).toEqual(first);
      }
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

    it('refuses invalid actions with InvalidActionError naming the action, state unchanged', async () => {
      const environment = create();
      const { observation } = await environment.reset({ seed: seeds[0] });
      const before = environment.snapshot?.();
      for (const action of invalidActions) {
        expect(environment.actionSpace.validate(action).ok).toBe(false);
        const error = await environment.step(action as never).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InvalidActionError);
        expect((error as InvalidActionError).message).toContain(JSON.stringify(action));
      }
      if (before && environment.snapshot) expect(environment.snapshot()).toEqual(before);
      // The episode goes on as if the invalid actions had not been sent.
      const twin = create();
      await twin.reset({ seed: seeds[0] });
      const action = pickValid(twin, chooser(3));
      const fromTwin = await twin.step(action);
      const fromEnvironment = await environment.step(action);
      expect(fromEnvironment.observation.text).toBe(fromTwin.observation.text);
      expect(observation.text.length).toBeGreaterThan(0);
    });

    it('ends episodes with terminated or truncated, then refuses steps until reset', async () => {
      const environment = create();
      await environment.reset({ seed: seeds[0] });
      const choose = chooser(seeds[0]!);
      const limit = (environment.maxSteps ?? 1000) + 1;
      let ended = false;
      for (let index = 0; index < limit && !ended; index++) {
        const action = pickValid(environment, choose);
        if (action === undefined) break;
        const step = await environment.step(action);
        ended = step.terminated || step.truncated;
        if (ended) expect(typeof step.info.success === 'boolean' || step.info.success === undefined).toBe(true);
      }
      expect(ended, 'an episode must end within maxSteps').toBe(true);
      const after = pickValid(environment, choose) ?? 'left';
      await expect(environment.step(after)).rejects.toBeInstanceOf(EnvironmentStateError);
      await expect(environment.reset({ seed: seeds[0] })).resolves.toBeDefined();
    });

    if (typeof create().snapshot === 'function') {
      it('restores a snapshot exactly (round trip through JSON)', async () => {
        for (const seed of seeds) {
          const environment = create();
          const head = await rollout(environment, seed, Math.floor(steps / 4));
          if (head.flags.at(-1)?.includes('true')) continue; // ended before the snapshot point
          const snapshot = JSON.parse(JSON.stringify(environment.snapshot!()));
          const tail = await rollout(environment, seed + 1000, 0); // reset to another state in between
          expect(tail.texts.length).toBe(1);
          environment.restore!(snapshot);
          const choose = chooser(seed + 1);
          const actions: unknown[] = [];
          const texts: string[] = [];
          for (let index = 0; index < steps; index++) {
            const action = pickValid(environment, choose);
            if (action === undefined) break;
            const step = await environment.step(action);
            actions.push(action);
            texts.push(step.observation.text);
            if (step.terminated || step.truncated) break;
          }
          const replay = create();
          await replay.reset({ seed: seed + 2000 });
          replay.restore!(snapshot);
          const replayTexts: string[] = [];
          for (const action of actions) replayTexts.push((await replay.step(action)).observation.text);
          expect(replayTexts).toEqual(texts);
        }
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
