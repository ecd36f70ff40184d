// The environment contract as the household keeps it: ALFWorld's first observation, "Nothing
// happens." as an accepted step, malformed text refused, the step limit, snapshots, options.
import { ConfigError, EnvironmentStateError, InvalidActionError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { HouseholdEnvironment } from './household-environment.js';

describe('HouseholdEnvironment', () => {
  it('starts like ALFWorld: the room overview, then the task; info names the family', async () => {
    const environment = new HouseholdEnvironment('PickCleanThenPlace');
    const { observation, info } = await environment.reset({ seed: 4 });
    expect(observation.text).toMatch(/^You are in the middle of a room\. Looking quickly around you, you see a [a-z]+ 1, .+, and a [a-z]+ \d+\.\nYour task is to: (put a clean \w+ in \w+|clean some \w+ and put it in \w+)\.$/);
    expect(observation.text.endsWith(observation.mission)).toBe(true);
    expect(info).toMatchObject({ seed: 4, task: 'PickCleanThenPlace', taskType: 'pick_clean_then_place_in_recep', mission: observation.mission, maxSteps: 50 });
    expect(observation.validActions).toContain('inventory');
    expect(observation.validActions).toContain('look');
    expect(observation.validActions.some((action) => action.startsWith('go to '))).toBe(true);
    expect(observation.features).toMatchObject({ location: 'middle of room', holding: 'nothing', goalProgress: 0 });
  });

  it('answers a well-formed but inadmissible command with "Nothing happens." and spends a step', async () => {
    const environment = new HouseholdEnvironment('PickAndPlace', { maxSteps: 3 });
    await environment.reset({ seed: 1 });
    const first = await environment.step('take mug 1 from countertop 1');
    expect(first).toMatchObject({ reward: 0, terminated: false, truncated: false, info: { admissible: false, action: 'take mug 1 from countertop 1' } });
    expect(first.observation.text).toBe('Nothing happens.');
    const second = await environment.step('Inventory.');
    expect(second.observation.text).toBe('You are not carrying anything.');
    expect(second.info.admissible).toBe(true);
    const third = await environment.step('look');
    expect(third).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 3 } });
    await expect(environment.step('look')).rejects.toBeInstanceOf(EnvironmentStateError);
  });

  it("truncates at a reset's smaller maxSteps (the caller's budget) and reports it; a larger one leaves its own", async () => {
    const environment = new HouseholdEnvironment('PickAndPlace'); // its own limit: 50
    expect((await environment.reset({ seed: 1, maxSteps: 2 })).info.maxSteps).toBe(2);
    expect(environment.maxSteps).toBe(2);
    expect(await environment.step('look')).toMatchObject({ truncated: false });
    expect(await environment.step('look')).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 2 } });
    expect((await environment.reset({ seed: 1, maxSteps: 500 })).info.maxSteps).toBe(50);
    expect((await environment.reset({ seed: 1 })).info.maxSteps).toBe(50);
    await expect(environment.reset({ seed: 1, maxSteps: 2.5 })).rejects.toThrow(ConfigError);
  });

  it('refuses malformed commands with InvalidActionError, spending no step and changing nothing', async () => {
    const environment = new HouseholdEnvironment('PickTwo');
    await environment.reset({ seed: 2 });
    const before = environment.snapshot();
    for (const action of ['go to fridge', 'dance', '']) {
      const error = await environment.step(action).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidActionError);
      expect((error as Error).message).toContain(JSON.stringify(action));
    }
    expect(environment.snapshot()).toEqual(before);
    expect(environment.actionSpace.validate('go to fridge').ok).toBe(false);
    expect(environment.actionSpace.validate('Put Mug 1 in Fridge 1.')).toEqual({ ok: true, action: 'put mug 1 in/on fridge 1' });
  });

  it('rewards 1 and terminates when the goal holds, with info.success', async () => {
    const environment = new HouseholdEnvironment('PickHeatThenPlace');
    await environment.reset({ seed: 9 });
    let step;
    do step = await environment.step(environment.expertAction()!);
    while (!step.terminated && !step.truncated);
    expect(step).toMatchObject({ reward: 1, terminated: true, truncated: false, info: { success: true, admissible: true } });
    expect(step.observation.text).toMatch(/^You put the \w+ \d+ in\/on the \w+ \d+\.$/);
    expect(environment.expertAction()).toBeUndefined();
  });

  it('restores a snapshot exactly, also in a fresh environment, and refuses foreign ones', async () => {
    const environment = new HouseholdEnvironment('LookAtInLight');
    await environment.reset({ seed: 21 });
    await environment.step(environment.expertAction()!);
    await environment.step(environment.expertAction()!);
    const snapshot = JSON.parse(JSON.stringify(environment.snapshot()));
    const rest: string[] = [];
    for (;;) {
      const action = environment.expertAction();
      if (action === undefined) break;
      rest.push((await environment.step(action)).observation.text);
    }
    const fresh = new HouseholdEnvironment('LookAtInLight');
    fresh.restore(snapshot);
    const replayed: string[] = [];
    for (;;) {
      const action = fresh.expertAction();
      if (action === undefined) break;
      replayed.push((await fresh.step(action)).observation.text);
    }
    expect(replayed).toEqual(rest);
    expect(fresh.snapshot()).toEqual(environment.snapshot());
    expect(() => new HouseholdEnvironment('PickTwo').restore(snapshot)).toThrow(EnvironmentStateError);
    expect(() => fresh.restore({ ...snapshot, data: { state: {} } })).toThrow(/malformed/);
  });

  it('checks its options and the task passed to reset', async () => {
    expect(() => new HouseholdEnvironment('PickAndPlace', { maxSteps: 0 })).toThrow(ConfigError);
    expect(() => new HouseholdEnvironment('Juggle' as never)).toThrow(/PickAndPlace/);
    const environment = new HouseholdEnvironment('PickCoolThenPlace', { maxSteps: 7 });
    expect(environment.maxSteps).toBe(7);
    await expect(environment.reset({ seed: 1, task: 'PickTwo' })).rejects.toBeInstanceOf(ConfigError);
    await expect(environment.reset({ seed: 1, task: 'pick_cool_then_place_in_recep' })).resolves.toBeDefined();
    await expect(environment.step('look')).resolves.toBeDefined();
    expect(environment.actionSpace.describe()).toContain('Nothing happens.');
  });
});
