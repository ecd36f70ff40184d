import { ConfigError, EnvironmentStateError, InvalidActionError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { TextcraftEnvironment } from './textcraft-environment.js';

async function curated(goal: string, options = {}): Promise<TextcraftEnvironment> {
  const environment = new TextcraftEnvironment('Curated', options);
  await environment.reset({ seed: 5, task: goal });
  return environment;
}

describe('TextcraftEnvironment', () => {
  it('opens with TextCraft\'s crafting commands and goal', async () => {
    const environment = new TextcraftEnvironment('Curated');
    const { observation, info } = await environment.reset({ seed: 1, task: 'dark oak sign' });
    expect(observation.text).toMatch(/^Crafting commands:\ncraft /);
    expect(observation.text).toContain('craft 3 dark oak sign using 6 dark oak planks, 1 stick');
    expect(observation.text).toContain('craft 4 dark oak planks using 1 dark oak logs');
    expect(observation.text.endsWith('\n\nGoal: craft dark oak sign.')).toBe(true);
    expect(observation.mission).toBe('craft dark oak sign');
    expect(info).toMatchObject({ seed: 1, goal: 'dark oak sign', depth: 3, maxSteps: 40 }); // logs, planks, stick, sign
    expect(observation.validActions).toContain('get 1 dark oak logs');
    expect(observation.features).toMatchObject({ goal: 'dark oak sign' });
  });

  it('answers get, craft and inventory as TextCraft does, and ends with reward 1 on the goal', async () => {
    const environment = await curated('dark oak sign');
    const replies: string[] = [];
    for (const action of ['inventory', 'get 2 dark oak logs', 'craft 4 dark oak planks using 1 dark oak logs', 'craft 4 dark oak planks using 1 dark oak logs', 'inventory']) {
      const step = await environment.step(action);
      expect(step.reward).toBe(0);
      replies.push(step.observation.text);
    }
    expect(replies).toEqual([
      'Inventory: You are not carrying anything.',
      'Got 2 dark oak logs',
      'Crafted 4 minecraft:dark_oak_planks',
      'Crafted 4 minecraft:dark_oak_planks',
      'Inventory: [dark oak planks] (8)',
    ]);
    expect((await environment.step('craft 4 stick using 2 dark oak planks')).observation.text).toBe('Crafted 4 minecraft:stick');
    const last = await environment.step('craft 3 dark oak sign using 6 dark oak planks, 1 stick');
    expect(last.observation.text).toBe('Crafted 3 minecraft:dark_oak_sign');
    expect(last).toMatchObject({ reward: 1, terminated: true, truncated: false, info: { success: true, stepCount: 7, outcome: 'crafted' } });
    await expect(environment.step('inventory')).rejects.toBeInstanceOf(EnvironmentStateError);
  });

  it('spends a step on well-formed commands that cannot succeed, with TextCraft\'s reply', async () => {
    const environment = await curated('dark oak sign');
    const cases: [string, string][] = [
      ['get 1 dark oak planks', 'Could not find dark oak planks'],
      ['get 1 unicorn horn', 'Could not find unicorn horn'],
      ['get 4 planks', 'Could not find planks'],
      ['craft 4 dark oak planks using 1 dark oak logs', 'Could not find enough items to craft minecraft:dark_oak_planks'],
    ];
    for (const [action, reply] of cases) {
      const step = await environment.step(action);
      expect(step.observation.text, action).toBe(reply);
      expect(step.info.outcome).toBe('failed');
    }
    await environment.step('get 3 dark oak logs');
    expect((await environment.step('craft 8 dark oak planks using 2 dark oak logs')).observation.text).toBe('Could not find a valid recipe for 8 dark oak planks');
    expect((await environment.step('craft 4 dark oak planks using 1 planks')).observation.text).toBe('Could not find enough items to craft minecraft:dark_oak_planks');
    expect((await environment.step('inventory')).observation.text).toBe('Inventory: [dark oak logs] (3)');
    expect(environment.snapshot().data).toMatchObject({ stepCount: 8 });
  });

  it('accepts any member for a tag ingredient, but not the tag name itself', async () => {
    const environment = await curated('crafting table');
    await environment.step('get 1 birch logs');
    await environment.step('craft 4 birch planks using 1 birch logs');
    expect(environment.actionSpace.validActions()).toContain('craft 1 crafting table using 4 birch planks');
    expect((await environment.step('craft 1 crafting table using 4 planks')).observation.text).toBe('Could not find enough items to craft minecraft:crafting_table');
    const done = await environment.step('craft 1 crafting table using 4 birch planks');
    expect(done).toMatchObject({ reward: 1, terminated: true });
  });

  it('refuses malformed commands with InvalidActionError and leaves the state unchanged', async () => {
    const environment = await curated('torch');
    const before = environment.snapshot();
    const error = await environment.step('get some coal').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidActionError);
    expect((error as Error).message).toContain('"get some coal"');
    expect((error as Error).message).toContain('get <n> <item>');
    expect(environment.snapshot()).toEqual(before);
  });

  it('truncates at maxSteps with info.success false', async () => {
    const environment = await curated('torch', { maxSteps: 3 });
    await environment.step('inventory');
    await environment.step('inventory');
    const last = await environment.step('inventory');
    expect(last).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 3 } });
  });

  it("truncates at a reset's smaller maxSteps (the caller's budget) and reports it; a larger one leaves its own", async () => {
    const environment = new TextcraftEnvironment('Curated'); // its own limit: 40
    expect((await environment.reset({ seed: 5, task: 'torch', maxSteps: 2 })).info.maxSteps).toBe(2);
    expect(environment.maxSteps).toBe(2);
    expect(await environment.step('inventory')).toMatchObject({ truncated: false });
    expect(await environment.step('inventory')).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 2 } });
    expect((await environment.reset({ seed: 5, maxSteps: 400 })).info.maxSteps).toBe(40);
    expect((await environment.reset({ seed: 5 })).info.maxSteps).toBe(40);
    await expect(environment.reset({ seed: 5, maxSteps: 0 })).rejects.toThrow(ConfigError);
  });

  it('lists only affordable crafts, gets for the listed recipes\' base items, and inventory', async () => {
    const environment = await curated('torch', { distractors: 0 });
    expect(environment.actionSpace.validActions()).toEqual(expect.arrayContaining(['inventory', 'get 1 coal', 'get 1 charcoal', 'get 1 oak logs']));
    expect(environment.actionSpace.validActions().some((action) => action.startsWith('craft'))).toBe(false);
    await environment.step('get 1 spruce logs');
    expect(environment.actionSpace.validActions()).toContain('craft 4 spruce planks using 1 spruce logs');
    expect(environment.actionSpace.validate('Craft 4 Spruce Planks using 1 spruce_logs.')).toEqual({ ok: true, action: 'craft 4 spruce planks using 1 spruce logs' });
    expect(environment.actionSpace.validate('get 1 unicorn')).toEqual({ ok: true, action: 'get 1 unicorn' }); // well-formed: a step that fails
    expect(environment.actionSpace.validate('dance').ok).toBe(false);
  });

  it('picks curated goals by seed modulo their number, and refuses unknown goals', async () => {
    const environment = new TextcraftEnvironment('Curated');
    const first = await environment.reset({ seed: 0 });
    expect(first.info.goal).toBe('crafting table');
    await expect(environment.reset({ task: 'unicorn' })).rejects.toBeInstanceOf(ConfigError);
    await expect(new TextcraftEnvironment('CraftDepth2').reset({ task: 'lectern' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('checks options', () => {
    expect(() => new TextcraftEnvironment('Craft', { depth: 0 })).toThrow(ConfigError);
    expect(() => new TextcraftEnvironment('Craft', { depth: 7 })).toThrow(ConfigError);
    expect(() => new TextcraftEnvironment('CraftDepth1', { depth: 3 })).toThrow(/textcraft\/Craft-v0 with depth 3/);
    expect(() => new TextcraftEnvironment('Curated', { distractors: -1 })).toThrow(ConfigError);
    expect(new TextcraftEnvironment('Craft', { depth: 4 }).maxSteps).toBe(50);
    expect(new TextcraftEnvironment('CraftDepth3').maxSteps).toBe(40);
  });

  it('restores a snapshot exactly, through JSON, into a fresh environment', async () => {
    const environment = new TextcraftEnvironment('CraftDepth3');
    await environment.reset({ seed: 9 });
    for (let index = 0; index < 3; index++) await environment.step(environment.expertAction()!);
    const snapshot = JSON.parse(JSON.stringify(environment.snapshot()));
    const twin = new TextcraftEnvironment('CraftDepth3');
    twin.restore(snapshot);
    expect(twin.snapshot()).toEqual(environment.snapshot());
    expect(twin.actionSpace.validActions()).toEqual(environment.actionSpace.validActions());
    while (true) {
      const action = environment.expertAction()!;
      expect(twin.expertAction()).toBe(action);
      const [left, right] = [await environment.step(action), await twin.step(action)];
      expect(right.observation.text).toBe(left.observation.text);
      if (left.terminated || left.truncated) break;
    }
    expect(() => twin.restore({ ...snapshot, environmentId: 'textcraft/Curated-v0' })).toThrow(EnvironmentStateError);
    expect(() => twin.restore({ ...snapshot, data: {} })).toThrow(EnvironmentStateError);
  });

  it('keeps each observation showing its own step', async () => {
    const environment = await curated('torch');
    const early = (await environment.step('get 1 coal')).observation;
    await environment.step('get 2 oak logs');
    expect(early.parts[1]!.text).toBe('Inventory: [coal] (1)');
    expect(early.features).toMatchObject({ 'held.coal': 1 });
    expect(early.features['held.oak logs']).toBeUndefined();
    expect(JSON.parse(JSON.stringify(early)).validActions).toEqual(early.validActions);
  });
});
