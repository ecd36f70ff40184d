// The environment on generated and hand-drawn levels: observations, MiniGrid semantics, limits,
// text commands, snapshots and the expert's replanning.
import { ConfigError, EnvironmentStateError, InvalidActionError, type EnvSnapshot } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { drawnLevel } from './fixtures/drawn-level.js';
import { GridworldEnvironment } from './gridworld-environment.js';
import type { GridworldObservation } from './gridworld-observation.js';
import type { Mission } from './mission.js';
import { ObjectType } from './object-type.js';
import { SeededRandom } from './seeded-random.js';

const primitives = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'];
const goToRedBall: Mission = { kind: 'go-to', target: { type: ObjectType.ball, color: 0 }, text: 'go to the red ball' };

/** Plays `actions`, returning the observations' texts, maps and features, read right away. */
async function play(environment: GridworldEnvironment, actions: readonly string[]) {
  const trace: unknown[] = [];
  for (const action of actions) {
    const step = await environment.step(action);
    trace.push([step.observation.text, step.observation.parts[0]!.text, step.observation.features, step.reward, step.terminated, step.truncated]);
    if (step.terminated || step.truncated) break;
  }
  return trace;
}

function randomPrimitives(seed: number, count: number): string[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => random.pick(primitives));
}

describe('GridworldEnvironment: reset and observations', () => {
  it('resets to a seeded level and reports seed, mission and limit in info', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    const { observation, info } = await environment.reset({ seed: 5 });
    expect(info).toMatchObject({ seed: 5, task: 'GoToLocal', maxSteps: 64 });
    expect(info.mission).toMatch(/^go to the (red|green|blue|purple|yellow|grey) (key|ball|box)$/);
    expect(observation.mission).toBe(info.mission);
    expect(observation.text).toContain(`Mission: ${info.mission}.`);
    // The first observation leaves the step count and budget out: it is the same under any budget.
    expect(observation.text).toMatch(/You are facing (east|south|west|north) and carrying nothing\.\n/);
    expect(observation.text).not.toContain('Step');
    expect((await environment.step('left')).observation.text).toMatch(/You are facing (east|south|west|north) and carrying nothing\. Step 1 of 64\.\n/);
    expect(observation.validActions.slice(0, 7)).toEqual(primitives);
    expect(observation.parts[0]).toMatchObject({ type: 'text', label: 'map' });
    expect(observation.parts[0]!.text.split('\n')[0]).toBe('#'.repeat(16));
    expect(observation.parts[0]!.text.split('\n')).toHaveLength(8); // the grid only: the legend is in describe()
    expect(environment.actionSpace.describe()).toContain('## wall, .. floor, K key');
    expect(observation.features).toMatchObject({ carrying: 'none', doors: '' });
    expect(environment.maxSteps).toBe(64);
  });

  it('picks and records a seed when reset gets none', async () => {
    const environment = new GridworldEnvironment('GoToObjMaze');
    const { observation, info } = await environment.reset();
    expect(Number.isSafeInteger(info.seed)).toBe(true);
    const again = await new GridworldEnvironment('GoToObjMaze').reset({ seed: info.seed as number });
    expect(again.observation.text).toBe(observation.text);
  });

  it('is deterministic: same seed and actions give the same text, map and features', async () => {
    for (const name of ['GoToLocal', 'UnlockPickup', 'GoToObjMaze'] as const) {
      const first = new GridworldEnvironment(name);
      const second = new GridworldEnvironment(name);
      await first.reset({ seed: 99 });
      await second.reset({ seed: 99 });
      const actions = randomPrimitives(3, 60);
      expect(await play(second, actions)).toEqual(await play(first, actions));
    }
  });

  it('generates different levels for different seeds', async () => {
    const environment = new GridworldEnvironment('GoToObjMaze');
    const maps = new Set<string>();
    for (let seed = 0; seed < 10; seed++) maps.add((await environment.reset({ seed })).observation.parts[0]!.text);
    expect(maps.size).toBe(10);
  });

  it('keeps each observation showing its own step when read after later steps', async () => {
    // UnlockPickup changes the grid (key picked up, door unlocked): lazily read observations
    // must rebuild the grid as it was, and the seen cells as they were.
    const eager = new GridworldEnvironment('UnlockPickup');
    const lazy = new GridworldEnvironment('UnlockPickup');
    await eager.reset({ seed: 11 });
    await lazy.reset({ seed: 11 });
    const expected: unknown[] = [];
    const observations: GridworldObservation[] = [];
    for (let index = 0; index < 40; index++) {
      const action = eager.expertAction()!;
      const fromEager = await eager.step(action);
      expected.push([fromEager.observation.text, fromEager.observation.parts, fromEager.observation.features, fromEager.observation.validActions]);
      observations.push((await lazy.step(action)).observation);
      if (fromEager.terminated) break;
    }
    expect(observations.map((observation) => [observation.text, observation.parts, observation.features, observation.validActions])).toEqual(expected);
    expect(JSON.parse(JSON.stringify(observations[0]))).toMatchObject({ text: observations[0]!.text, mission: observations[0]!.mission });
  });

  it('describes what is visible with offsets, and remembers what went out of view', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    const level = drawnLevel(environment, [
      '##############',
      '##..........##',
      '##..Or......##',
      '##..........##',
      '##..^^..Dy..##',
      '##############',
    ], goToRedBall, { unseen: 'all-but-agent' });
    environment.restore(level);
    const first = await environment.step('done');
    expect(first.observation.text).toContain('You are facing north and carrying nothing. Step 1 of 64.');
    expect(first.observation.text).toContain('Ahead of you: 1 free cell, then a red ball.');
    expect(first.observation.text).toContain('a red ball 2 steps ahead');
    expect(first.observation.text).toContain('a closed yellow door 2 to your right');
    const west = await environment.step('left');
    expect(west.observation.text).toContain('Ahead of you: 1 free cell, then a wall.');
    expect(west.observation.text).toContain('You see: a red ball 2 to your right.');
    const south = await environment.step('left');
    expect(south.observation.text).toContain('Directly in front of you: a wall.');
    expect(south.observation.text).toContain('You see: a closed yellow door 2 to your left.');
    expect(south.observation.text).toContain('You remember, out of view: a red ball 2 north of you.');
    expect(south.observation.features).toMatchObject({ x: 2, y: 4, direction: 1, front: 'a wall', doors: 'c', carrying: 'none' });
  });
});

describe('GridworldEnvironment: primitive semantics (MiniGrid)', () => {
  it('spends a step on blocked moves and on done, without changing the state', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, ['##########', '##^^....##', '##########'], goToRedBall));
    const blocked = await environment.step('forward');
    expect(blocked.observation.features).toMatchObject({ x: 1, y: 1, direction: 3 });
    expect(blocked.observation.stepCount).toBe(1);
    const done = await environment.step('done');
    expect(done.observation.features).toMatchObject({ x: 1, y: 1, direction: 3 });
    expect(done.observation.stepCount).toBe(2);
    expect(done.info).toEqual({ primitiveSteps: 1 });
  });

  it('picks up, drops, opens, closes and unlocks with the matching key only', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, [
      '##############',
      '##Kg>>Ly....##',
      '##Ky........##',
      '##############',
    ], goToRedBall));
    const features = async (action: string) => (await environment.step(action)).observation.features;
    expect(await features('toggle')).toMatchObject({ doors: 'l' }); // locked, no key: nothing
    expect(await features('forward')).toMatchObject({ x: 2, y: 1 }); // a locked door blocks
    await environment.step('left');
    await environment.step('left'); // facing west, the green key in front
    expect(await features('pickup')).toMatchObject({ carrying: 'green key', front: 'free floor' });
    await environment.step('right');
    await environment.step('right');
    expect(await features('toggle')).toMatchObject({ doors: 'l' }); // a key of another colour
    await environment.step('right'); // facing south: free floor
    expect(await features('pickup')).toMatchObject({ carrying: 'green key' }); // nothing to pick up there
    expect(await features('drop')).toMatchObject({ carrying: 'none', front: 'a green key' });
    expect(await features('drop')).toMatchObject({ carrying: 'none', front: 'a green key' }); // empty hands: nothing
    await environment.step('right');
    await environment.step('forward'); // to (1, 1)
    await environment.step('left'); // facing south: the yellow key
    expect(await features('pickup')).toMatchObject({ x: 1, y: 1, carrying: 'yellow key' });
    expect(await features('pickup')).toMatchObject({ carrying: 'yellow key', front: 'free floor' });
    await environment.step('left');
    await environment.step('forward'); // back to (2, 1), facing the locked yellow door
    expect(await features('toggle')).toMatchObject({ doors: 'o', front: 'an open yellow door' });
    expect(await features('forward')).toMatchObject({ x: 3, y: 1, carrying: 'yellow key' });
    const map = (await environment.step('done')).observation.parts[0]!.text.split('\n');
    expect(map.slice(1, 3)).toEqual(['##....>>....##', '##..Kg......##']); // the agent stands in the open doorway
  });

  it('opens and closes an unlocked door with toggle and walks through it when open', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, ['##########', '##>>Dr..##', '##########'], goToRedBall));
    expect((await environment.step('forward')).observation.features.x).toBe(1);
    expect((await environment.step('toggle')).observation.features.doors).toBe('o');
    expect((await environment.step('forward')).observation.features.x).toBe(2);
    expect((await environment.step('forward')).observation.features.x).toBe(3);
    await environment.step('left');
    await environment.step('left');
    await environment.step('forward');
    expect((await environment.step('toggle')).observation.features.doors).toBe('o'); // standing in it: front is floor
    await environment.step('forward');
    await environment.step('left');
    await environment.step('left');
    expect((await environment.step('toggle')).observation.features.doors).toBe('c');
  });
});

describe('GridworldEnvironment: episode end, rewards and limits', () => {
  it('rewards success with 1 - 0.9 * steps / maxSteps and then refuses steps', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, ['############', '##>>....Or##', '############'], goToRedBall));
    expect((await environment.step('forward')).terminated).toBe(false);
    const success = await environment.step('forward');
    expect(success).toMatchObject({ terminated: true, truncated: false, info: { success: true, stepCount: 2 } });
    expect(success.reward).toBeCloseTo(1 - 0.9 * (2 / 64));
    await expect(environment.step('left')).rejects.toBeInstanceOf(EnvironmentStateError);
    expect(environment.expertAction()).toBeUndefined();
  });

  it('truncates at maxSteps with success false and reward 0', async () => {
    const environment = new GridworldEnvironment('GoToObjMaze', { maxSteps: 5 });
    await environment.reset({ seed: 1 });
    for (let index = 0; index < 4; index++) expect((await environment.step('left')).truncated).toBe(false);
    const last = await environment.step('left');
    expect(last).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 5 } });
    await expect(environment.step('left')).rejects.toThrow(/after the episode .* ended/);
  });

  it("truncates at a reset's smaller maxSteps and states that budget in the text, its first observation unchanged", async () => {
    const environment = new GridworldEnvironment('GoToLocal'); // its own limit: 64
    const unbudgeted = (await environment.reset({ seed: 1 })).observation;
    const { observation, info } = await environment.reset({ seed: 1, maxSteps: 5 });
    expect(info.maxSteps).toBe(5);
    expect(environment.maxSteps).toBe(5);
    expect(observation.toJSON()).toEqual(unbudgeted.toJSON());
    for (let index = 1; index < 5; index++) {
      const step = await environment.step('left');
      expect(step).toMatchObject({ truncated: false, terminated: false });
      expect(step.observation.text).toContain(`Step ${index} of 5.`);
    }
    const last = await environment.step('left');
    expect(last).toMatchObject({ reward: 0, terminated: false, truncated: true, info: { success: false, stepCount: 5 } });
    expect(last.observation.text).toContain('Step 5 of 5.');
    // A larger budget than its own leaves its own, and the next reset without one restores it.
    await environment.reset({ seed: 1, maxSteps: 500 });
    expect((await environment.step('left')).observation.text).toContain('Step 1 of 64.');
    await environment.reset({ seed: 1, maxSteps: 5 });
    expect((await environment.reset({ seed: 1 })).info.maxSteps).toBe(64);
    expect(environment.maxSteps).toBe(64);
  });

  it("scores a success against its own limit, not a reset's smaller budget, also after a restore", async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    await environment.reset({ seed: 3 });
    let free;
    do free = await environment.step(environment.expertAction()!);
    while (!free.terminated && !free.truncated);
    const steps = free.info.stepCount as number;
    expect(free.reward).toBeCloseTo(1 - 0.9 * (steps / 64));
    // The same episode with exactly the steps it needs as its budget: success on the last one, same reward.
    await environment.reset({ seed: 3, maxSteps: steps });
    const restored = new GridworldEnvironment('GoToLocal');
    restored.restore(JSON.parse(JSON.stringify(environment.snapshot())) as EnvSnapshot);
    for (const copy of [environment, restored]) {
      expect(copy.maxSteps).toBe(steps);
      let budgeted;
      do budgeted = await copy.step(copy.expertAction()!);
      while (!budgeted.terminated && !budgeted.truncated);
      expect(budgeted).toMatchObject({ terminated: true, info: { success: true, stepCount: steps } });
      expect(budgeted.reward).toBe(free.reward);
      expect(budgeted.observation.text).toContain(`Step ${steps} of ${steps}.`);
    }
  });

  it('refuses a reset maxSteps that is not a positive integer, state unchanged', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    await environment.reset({ seed: 1 });
    await environment.step('left');
    const before = environment.snapshot();
    for (const maxSteps of [0, -2, 1.5, Number.NaN]) {
      await expect(environment.reset({ seed: 2, maxSteps })).rejects.toThrow(/Reset option maxSteps must be a positive integer/);
    }
    expect(environment.snapshot()).toEqual(before);
  });

  it('refuses step before reset with EnvironmentStateError', async () => {
    const environment = new GridworldEnvironment('OpenDoor');
    await expect(environment.step('left')).rejects.toBeInstanceOf(EnvironmentStateError);
    expect(() => environment.snapshot()).toThrow(EnvironmentStateError);
    expect(environment.expertAction()).toBeUndefined();
    expect(environment.actionSpace.validActions()).toEqual([]);
  });

  it('checks its options and refuses other tasks at reset', async () => {
    expect(() => new GridworldEnvironment('GoToLocal', { maxSteps: 0 })).toThrow(ConfigError);
    expect(() => new GridworldEnvironment('GoToLocal', { roomSize: 'big' as unknown as number })).toThrow(/roomSize must be an integer/);
    const environment = new GridworldEnvironment('GoToLocal', { roomSize: 10 });
    expect(environment.maxSteps).toBe(100);
    expect((await environment.reset({ seed: 1 })).observation.parts[0]!.text.split('\n')[0]).toBe('#'.repeat(20));
    await expect(environment.reset({ task: 'OpenDoor' })).rejects.toBeInstanceOf(ConfigError);
    await expect(environment.reset({ seed: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    await environment.close();
    await environment.close();
  });

  it('refuses at construction a room size too small for its task, and resets every seed of the smallest it accepts', () => {
    // Nine objects and the agent: a 5x5 room (3x3 inside) never fits them, a 6x6 one only on some seeds.
    for (const task of ['GoToLocal', 'PickupLoc'] as const) {
      for (const roomSize of [5, 6]) expect(() => new GridworldEnvironment(task, { roomSize })).toThrow(/roomSize must be an integer from 7 to 32/);
      const environment = new GridworldEnvironment(task, { roomSize: 7 });
      for (let seed = 0; seed < 300; seed++) expect(() => environment.resetSync({ seed })).not.toThrow();
    }
    for (const task of ['OpenDoor', 'UnlockPickup', 'GoToObjMaze'] as const) {
      const environment = new GridworldEnvironment(task, { roomSize: 5 });
      for (let seed = 0; seed < 100; seed++) expect(() => environment.resetSync({ seed })).not.toThrow();
    }
  });
});

describe('GridworldEnvironment: text commands', () => {
  it('plans a command into primitives and counts each of them as a step', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, [
      '##############',
      '##..........##',
      '##..Ob......##',
      '##..........##',
      '##..^^......##',
      '##..........##',
      '##############',
    ], goToRedBall));
    const step = await environment.step('  Go to the BLUE ball. ');
    expect(step.info.primitiveSteps).toBe(1); // one forward: the ball is then in front
    expect(step.observation.stepCount).toBe(1);
    expect(step.observation.features).toMatchObject({ front: 'a blue ball', x: 2, y: 3 });
    const pickup = await environment.step('pick up the ball');
    expect(pickup.info.primitiveSteps).toBe(1);
    expect(pickup.observation.features.carrying).toBe('blue ball');
    const putDown = await environment.step('put down the blue ball');
    expect(putDown.info.primitiveSteps).toBe(1);
    expect(putDown.observation.features.carrying).toBe('none');
  });

  it('turns and walks for longer commands, opening closed doors on the way', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, [
      '################',
      '##vv....##....##',
      '##......Dg..Or##',
      '##......##....##',
      '################',
    ], goToRedBall));
    const before = environment.snapshot();
    const step = await environment.step('go to the red ball');
    // forward (south), left (east), forward, forward, toggle, forward, forward: 7
    expect(step.info.primitiveSteps).toBe(7);
    expect(step.observation.stepCount).toBe(7);
    expect(step).toMatchObject({ terminated: true, info: { success: true } });
    expect(step.reward).toBeCloseTo(1 - 0.9 * (7 / 64));
    // Replaying the same primitives gives the same end state.
    environment.restore(before);
    let last;
    for (const action of ['forward', 'left', 'forward', 'forward', 'toggle', 'forward', 'forward']) last = await environment.step(action);
    expect(last!.observation.text).toBe(step.observation.text);
  });

  it('stops a command at the step limit and reports truncation', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, ['################', '##>>........Ob##', '################'], goToRedBall, { maxSteps: 3 }));
    const step = await environment.step('go to the blue ball');
    expect(step).toMatchObject({ truncated: true, terminated: false, info: { primitiveSteps: 3, success: false } });
    expect(step.observation.features.x).toBe(4);
  });

  it('refuses infeasible and unparseable actions with InvalidActionError, state unchanged', async () => {
    const environment = new GridworldEnvironment('UnlockPickup');
    await environment.reset({ seed: 4 });
    const before = environment.snapshot();
    const cases: [string, RegExp][] = [
      ['fly', /not an action/],
      ['go to the purple unicorn', /"unicorn" is not an object type/],
      ['pick up the blue key', /no blue key is known/],
      ['put down the key', /not carrying anything/],
      ['open the box', /only doors/],
    ];
    for (const [action, reason] of cases) {
      const error = await environment.step(action).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidActionError);
      expect((error as InvalidActionError).message).toContain(JSON.stringify(action));
      expect((error as InvalidActionError).message).toMatch(reason);
      const validation = environment.actionSpace.validate(action);
      expect(validation.ok).toBe(false);
      expect(validation.ok ? '' : validation.reason).toMatch(reason);
    }
    expect(environment.snapshot()).toEqual(before);
  });

  it('names the locked door that blocks a route, and opens it once the key is carried', async () => {
    const environment = new GridworldEnvironment('UnlockPickup');
    environment.restore(drawnLevel(environment, [
      '##################',
      '##......##......##',
      '##>>Kb..Lb..Og..##',
      '##......##......##',
      '##################',
    ], { kind: 'pick-up', target: { type: ObjectType.ball, color: 1 }, text: 'pick up the green ball' }));
    await expect(environment.step('pick up the green ball')).rejects.toThrow(/blocked by the locked blue door/);
    await expect(environment.step('open the blue door')).rejects.toThrow(/locked; you need to carry a blue key/);
    expect(environment.actionSpace.validActions()).toEqual([...primitives, 'pick up the blue key', 'go to the blue door']);
    expect((await environment.step('pick up the blue key')).info.primitiveSteps).toBe(1);
    await expect(environment.step('pick up the green ball')).rejects.toThrow(/already carrying a blue key/);
    expect(environment.actionSpace.validActions()).toContain('open the blue door');
    expect((await environment.step('unlock the blue door')).info.primitiveSteps).toBe(3); // forward, forward, toggle
    expect(environment.snapshot().data).toMatchObject({ agentX: 3, agentY: 2 });
    expect((await environment.step('put down the key')).info.primitiveSteps).toBe(2); // the open door is in front: left, drop
    const end = await environment.step('pick up the green ball'); // right, forward, forward, pickup
    expect(end.info.primitiveSteps).toBe(4);
    expect(end).toMatchObject({ terminated: true, info: { success: true } });
  });

  it('only targets objects the agent has seen', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    environment.restore(drawnLevel(environment, ['################', '##<<........Ob##', '################'], goToRedBall, { unseen: 'all-but-agent' }));
    await expect(environment.step('go to the blue ball')).rejects.toThrow(/no blue ball is known/);
    expect(environment.actionSpace.validate('go to the blue ball').ok).toBe(false);
    await environment.step('right');
    await environment.step('right'); // now facing east: the ball is in view
    expect(environment.actionSpace.validate('Go to the blue ball.')).toEqual({ ok: true, action: 'go to the blue ball' });
    expect(environment.actionSpace.validActions()).toContain('go to the blue ball');
  });

  it('lists only feasible commands, and validate accepts every listed action', async () => {
    for (const name of ['GoToLocal', 'OpenDoor', 'GoToObjMaze'] as const) {
      const environment = new GridworldEnvironment(name);
      await environment.reset({ seed: 21 });
      const random = new SeededRandom(21);
      for (let index = 0; index < 30; index++) {
        const valid = environment.actionSpace.validActions();
        for (const action of valid) expect(environment.actionSpace.validate(action)).toEqual({ ok: true, action });
        const step = await environment.step(random.pick(valid));
        if (step.terminated || step.truncated) break;
      }
    }
  });
});

describe('GridworldEnvironment: snapshot and restore', () => {
  it('round-trips through JSON: restored environments replay identically', async () => {
    for (const name of ['PickupLoc', 'UnlockPickup', 'GoToObjMaze'] as const) {
      const environment = new GridworldEnvironment(name);
      await environment.reset({ seed: 8 });
      await play(environment, randomPrimitives(1, 15));
      const snapshot = JSON.parse(JSON.stringify(environment.snapshot())) as EnvSnapshot;
      const tail = randomPrimitives(2, 40);
      const original = await play(environment, tail);
      const other = new GridworldEnvironment(name);
      await other.reset({ seed: 1234 });
      other.restore(snapshot);
      expect(other.snapshot()).toEqual(snapshot);
      expect(await play(other, tail)).toEqual(original);
    }
  });

  it('refuses snapshots of other environments or formats', async () => {
    const maze = new GridworldEnvironment('GoToObjMaze');
    await maze.reset({ seed: 1 });
    const snapshot = maze.snapshot();
    const local = new GridworldEnvironment('GoToLocal');
    expect(() => local.restore(snapshot)).toThrow(EnvironmentStateError);
    expect(() => maze.restore({ ...snapshot, version: 99 })).toThrow(/format version 99/);
  });
});

describe('GridworldEnvironment: expert', () => {
  it('returns the same action until the state changes, and replans after a detour', async () => {
    const environment = new GridworldEnvironment('GoToObjMaze');
    await environment.reset({ seed: 2 });
    const action = environment.expertAction();
    expect(environment.expertAction()).toBe(action);
    await environment.step(action === 'left' ? 'right' : 'left'); // off the plan
    let result;
    for (let index = 0; index < 200; index++) {
      result = await environment.step(environment.expertAction()!);
      if (result.terminated || result.truncated) break;
    }
    expect(result!.info.success).toBe(true);
  });

  it('recovers from states a random policy left behind', async () => {
    for (const name of ['PickupLoc', 'UnlockPickup', 'GoToObjMaze'] as const) {
      let successes = 0;
      for (let seed = 0; seed < 30; seed++) {
        const environment = new GridworldEnvironment(name);
        await environment.reset({ seed });
        const trace = await play(environment, randomPrimitives(seed, 25));
        if (trace.length < 25) continue; // ended during the random prefix
        let result;
        for (;;) {
          const action = environment.expertAction();
          if (action === undefined) break;
          result = await environment.step(action);
          if (result.terminated || result.truncated) break;
        }
        if (result?.info.success === true) successes++;
        else throw new Error(`${name} seed ${seed}: the expert did not recover`);
      }
      expect(successes).toBeGreaterThan(0);
    }
  });
});
