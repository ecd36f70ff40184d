// The checks of the environment conformance suite that play whole episodes, as functions that throw
// on a violation, so the suite's own tests can show each one fails for an environment that breaks it.
// The reset step limit (`ResetOptions.maxSteps`) is optional to honour: what the environment reports
// as `maxSteps` after such a reset says whether it does, and the checks hold it to that.
import { ConfigError, EnvironmentStateError, InvalidActionError, type Environment, type EnvSnapshot, type Observation, type StepResult } from '@worldloop/spec';
import { expect } from 'vitest';

/** Makes a fresh environment of the spec under test. */
export type CreateEnvironment = () => Environment<Observation, any>;

/** A tiny seeded generator so the suite needs nothing from other packages. */
export function chooser(seed: number): (count: number) => number {
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

/** What a rollout saw, step by step. */
export interface Rollout {
  readonly texts: string[];
  readonly rewards: number[];
  readonly flags: string[];
  readonly actions: unknown[];
}

/** A valid action of the current state chosen by `choose`, undefined when none is listed. */
export function pickValid(environment: Environment<Observation, any>, choose: (count: number) => number): unknown {
  const valid = environment.actionSpace.validActions?.() ?? [];
  return valid.length > 0 ? valid[choose(valid.length)] : undefined;
}

/**
 * Plays from the current state: the given `actions`, or valid actions chosen by `choose`, until the
 * episode ends or `steps` run out. `start` is the text of the state it starts from.
 */
async function play(environment: Environment<Observation, any>, start: string, steps: number, next: (index: number) => unknown): Promise<Rollout> {
  const result: Rollout = { texts: [start], rewards: [], flags: [], actions: [] };
  for (let index = 0; index < steps; index++) {
    const action = next(index);
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

/** Resets with `seed` and plays valid actions chosen by a generator seeded with `seed` (or `actions`). */
export async function rollout(environment: Environment<Observation, any>, seed: number, steps: number, actions?: readonly unknown[]): Promise<Rollout> {
  const { observation } = await environment.reset({ seed });
  const choose = chooser(seed);
  return play(environment, observation.text, steps, (index) => (actions ? actions[index] : pickValid(environment, choose)));
}

/**
 * The same seed and actions give the same observations, rewards and ends: in two fresh instances,
 * and in one instance reset again after playing another seed's episode (a reset reseeds everything).
 */
export async function checkDeterminism(create: CreateEnvironment, seeds: readonly number[], steps: number): Promise<void> {
  for (const seed of seeds) {
    const first = await rollout(create(), seed, steps);
    const second = await rollout(create(), seed, steps, first.actions);
    expect(second, `seed ${seed}: a second instance`).toEqual(first);
    const reused = create();
    await rollout(reused, seed + 1, steps);
    expect(await rollout(reused, seed, steps, first.actions), `seed ${seed}: the same instance after another episode`).toEqual(first);
  }
}

/**
 * Valid actions end an episode, terminated or truncated, within `maxSteps` steps (1000 without a
 * limit); a step after the end is an `EnvironmentStateError` and a reset starts again.
 */
export async function checkEpisodeEnds(create: CreateEnvironment, seed: number): Promise<void> {
  const environment = create();
  await environment.reset({ seed });
  const choose = chooser(seed);
  const limit = environment.maxSteps ?? 1000;
  let ended = false;
  let taken = 0;
  while (taken < limit && !ended) {
    const action = pickValid(environment, choose);
    if (action === undefined) break;
    const step = await environment.step(action);
    taken++;
    ended = step.terminated || step.truncated;
    if (ended) expect(typeof step.info.success === 'boolean' || step.info.success === undefined).toBe(true);
  }
  expect(ended, `an episode must end within maxSteps (${limit}); it ran ${taken} steps`).toBe(true);
  const after = pickValid(environment, choose) ?? 'left';
  await expect(environment.step(after)).rejects.toBeInstanceOf(EnvironmentStateError);
  await expect(environment.reset({ seed })).resolves.toBeDefined();
}

/**
 * A snapshot (through JSON) restores exactly: restored into the same instance after a reset to
 * another state, and into a fresh instance, the same actions give what the original gave from the
 * snapshot on. A snapshot of another environment id is refused with `EnvironmentStateError`.
 */
export async function checkSnapshotRestore(create: CreateEnvironment, seeds: readonly number[], steps: number): Promise<void> {
  let checked = 0;
  for (const seed of seeds) {
    const environment = create();
    const head = await rollout(environment, seed, Math.floor(steps / 4));
    if (head.flags.at(-1)?.includes('true')) continue; // ended before the snapshot point
    const snapshot = JSON.parse(JSON.stringify(environment.snapshot!())) as EnvSnapshot;
    // What the original does from the snapshot on is what every restored copy must do.
    const choose = chooser(seed + 1);
    const original = await play(environment, head.texts.at(-1)!, steps, () => pickValid(environment, choose));
    const replay = async (target: Environment<Observation, any>, otherSeed: number): Promise<Rollout> => {
      await target.reset({ seed: otherSeed }); // another state in between
      target.restore!(snapshot);
      return play(target, head.texts.at(-1)!, original.actions.length, (index) => original.actions[index]);
    };
    expect(await replay(environment, seed + 1000), `seed ${seed}: restored into the same instance`).toEqual(original);
    expect(await replay(create(), seed + 2000), `seed ${seed}: restored into a fresh instance`).toEqual(original);
    const foreign = create();
    await foreign.reset({ seed });
    expect(() => foreign.restore!({ ...snapshot, environmentId: `${snapshot.environmentId}-other` }), 'restore must refuse a snapshot of another environment id').toThrow(EnvironmentStateError);
    checked++;
  }
  expect(checked, 'at least one seed must reach the snapshot point without ending').toBeGreaterThan(0);
}

/**
 * Actions listed as invalid are refused in every state of an episode with `InvalidActionError`
 * naming the action, and change nothing: an episode with them sent before every step plays exactly
 * like a twin's without them (observations, rewards, ends, and so the step count).
 */
export async function checkInvalidActions(create: CreateEnvironment, seed: number, invalidActions: readonly unknown[], steps: number): Promise<void> {
  const environment = create();
  const twin = create();
  const start = (await environment.reset({ seed })).observation.text;
  expect((await twin.reset({ seed })).observation.text).toBe(start);
  const choose = chooser(seed + 3);
  const refuseAll = async (stepIndex: number): Promise<void> => {
    const before = environment.snapshot?.();
    for (const action of invalidActions) {
      expect(environment.actionSpace.validate(action).ok, `validate(${JSON.stringify(action)}) before step ${stepIndex}`).toBe(false);
      const error = await environment.step(action as never).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, `step(${JSON.stringify(action)}) before step ${stepIndex}`).toBeInstanceOf(InvalidActionError);
      expect((error as InvalidActionError).message).toContain(JSON.stringify(action));
    }
    if (before !== undefined) expect(environment.snapshot!(), `the snapshot after invalid actions before step ${stepIndex}`).toEqual(before);
  };
  const withInvalid: Rollout = { texts: [start], rewards: [], flags: [], actions: [] };
  const plain: Rollout = { texts: [start], rewards: [], flags: [], actions: [] };
  for (let index = 0; index < steps; index++) {
    await refuseAll(index);
    const action = pickValid(twin, choose);
    if (action === undefined) break;
    const fromTwin = await twin.step(action);
    const fromEnvironment = await environment.step(action);
    for (const [rollout, step] of [[plain, fromTwin], [withInvalid, fromEnvironment]] as const) {
      rollout.actions.push(action);
      rollout.texts.push(step.observation.text);
      rollout.rewards.push(step.reward);
      rollout.flags.push(`${step.terminated}/${step.truncated}`);
    }
    if (fromTwin.terminated || fromTwin.truncated || fromEnvironment.terminated || fromEnvironment.truncated) break;
  }
  expect(withInvalid, 'the episode with invalid actions sent before every step').toEqual(plain);
}

/** How an environment treats a reset's `maxSteps` (`ResetOptions.maxSteps`): honoured, or ignored (a remote one may). */
export type ResetStepLimitHandling = 'honoured' | 'ignored';

/** Reset step limits the contract refuses (not positive integers), as a caller might get them wrong. */
export const invalidResetStepLimits: readonly unknown[] = [0, -1, 1.5, Number.NaN, '3'];

/**
 * The steps of the environment's count (what `maxSteps` limits) one `step` call ran: its
 * `info.primitiveSteps` when that is a positive integer (a text command of the gridworld runs
 * several primitive steps), else 1.
 */
function countedSteps(step: StepResult): number {
  const primitiveSteps = step.info['primitiveSteps'];
  return typeof primitiveSteps === 'number' && Number.isInteger(primitiveSteps) && primitiveSteps > 0 ? primitiveSteps : 1;
}

/** An observation as it is recorded and exported (through JSON): what the agent is shown, not an implementation's caches. */
function shownObservation(observation: Observation): unknown {
  return JSON.parse(JSON.stringify(observation));
}

/**
 * A reset's `maxSteps` (the caller's step budget, `ResetOptions.maxSteps`), as the contract has it.
 * The first observation does not depend on it. An environment that honours it (it reports the
 * caller's smaller limit as `maxSteps` after the reset) truncates at exactly that step, keeps its own
 * limit when the caller's is larger, forgets the budget at a reset without one, and refuses a value
 * that is not a positive integer with `ConfigError`, staying usable. One that ignores it (allowed, for
 * a remote one) reports its own limit and does not truncate at the caller's either, and a bad value
 * either is ignored or is a `ConfigError`. `required` (when given) is the handling the environment
 * must show; otherwise the one it reports is checked. Returns the handling seen.
 */
export async function checkResetStepLimit(create: CreateEnvironment, seeds: readonly number[], required?: ResetStepLimitHandling): Promise<ResetStepLimitHandling> {
  const environment = create();
  const first = seeds[0]!;
  const plain = shownObservation((await environment.reset({ seed: first })).observation);
  const own = environment.maxSteps;
  // A caller's limit below the environment's own (none is below a limit of 1), and one above it.
  const smaller = own === undefined ? 3 : Math.min(3, own - 1);
  const larger = (own ?? 1000) + 1000;

  let handling: ResetStepLimitHandling | undefined;
  let reached = 0;
  for (const seed of seeds) {
    const start = shownObservation((await environment.reset({ seed })).observation);
    expect(environment.maxSteps, `seed ${seed}: maxSteps after a reset without one`).toBe(own);
    const large = shownObservation((await environment.reset({ seed, maxSteps: larger })).observation);
    expect(large, `seed ${seed}: the first observation with maxSteps ${larger}`).toEqual(start);
    expect(environment.maxSteps, `seed ${seed}: maxSteps after a reset with a larger one (${larger}) is the environment's own`).toBe(own);
    if (smaller < 1) continue;

    const small = shownObservation((await environment.reset({ seed, maxSteps: smaller })).observation);
    expect(small, `seed ${seed}: the first observation with maxSteps ${smaller}`).toEqual(start);
    const reported = environment.maxSteps;
    const seen: ResetStepLimitHandling = reported === smaller ? 'honoured' : 'ignored';
    if (seen === 'ignored') expect(reported, `seed ${seed}: maxSteps after a reset with maxSteps ${smaller} must be that one (honoured) or the environment's own (ignored)`).toBe(own);
    if (required !== undefined) expect(seen, `seed ${seed}: maxSteps after a reset with maxSteps ${smaller} (own ${own}) is ${reported}`).toBe(required);
    expect(handling ?? seen, `seed ${seed}: reset maxSteps honoured for some seeds only`).toBe(seen);
    handling = seen;

    // Truncated at exactly the reported limit, counted in the environment's steps: never earlier, and
    // (honoured) at the caller's.
    const limit = reported ?? Infinity;
    const choose = chooser(seed);
    let counted = 0;
    let ended = false;
    while (counted < Math.min(limit, smaller + 1) && !ended) {
      const action = pickValid(environment, choose);
      if (action === undefined) break;
      const step = await environment.step(action);
      counted += countedSteps(step);
      ended = step.terminated || step.truncated;
      if (step.terminated) break;
      const where = `seed ${seed}: after ${counted} steps of an episode reset with maxSteps ${smaller}, reporting maxSteps ${reported}`;
      expect(counted, `${where}: ran past the limit`).toBeLessThanOrEqual(limit);
      expect(step.truncated, `${where}: truncated`).toBe(counted === limit);
      if (counted >= smaller) reached++;
    }
    if (seen === 'honoured' && ended) await expect(environment.step(pickValid(environment, choose) ?? 'left'), `seed ${seed}: a step after truncation at maxSteps ${smaller}`).rejects.toBeInstanceOf(EnvironmentStateError);
    // The budget was this episode's: a reset without one goes back to the environment's own limit.
    await environment.reset({ seed });
    expect(environment.maxSteps, `seed ${seed}: maxSteps after a reset without one, following one with maxSteps ${smaller}`).toBe(own);
  }
  if (smaller >= 1) expect(reached, `at least one seed must play ${smaller} steps (of the environment's count) without the episode terminating`).toBeGreaterThan(0);
  handling ??= required ?? 'ignored';

  for (const bad of invalidResetStepLimits) {
    const shown = typeof bad === 'string' ? JSON.stringify(bad) : String(bad);
    const outcome = await environment.reset({ seed: first, maxSteps: bad as number }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (handling === 'honoured' || outcome !== undefined) expect(outcome, `reset with maxSteps ${shown}`).toBeInstanceOf(ConfigError);
    // Still usable: a reset starts the same episode as before, under the environment's own limit.
    expect(shownObservation((await environment.reset({ seed: first })).observation), `the first observation after a reset with maxSteps ${shown}`).toEqual(plain);
    expect(environment.maxSteps, `maxSteps after a reset with maxSteps ${shown}, then one without`).toBe(own);
    const action = pickValid(environment, chooser(first));
    if (action !== undefined) await expect(environment.step(action), `a step after a reset with maxSteps ${shown}`).resolves.toBeDefined();
  }
  return handling;
}
