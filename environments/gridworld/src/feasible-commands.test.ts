// The valid-action listing against its definition: a text command is listed exactly when the action
// space's validate (which plans it with a path search) accepts it, over many seeds and random play.
import type { EnvSnapshot } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { colorNames } from './color.js';
import { GridworldEnvironment } from './gridworld-environment.js';
import type { GridworldTaskName } from './gridworld-task.js';
import { ObjectType, isPickable, objectTypeNames } from './object-type.js';
import { primitiveActionNames } from './primitive-action.js';
import { SeededRandom } from './seeded-random.js';

interface SnapshotState {
  readonly width: number;
  readonly height: number;
  readonly types: string;
  readonly colors: string;
  readonly seenAt: number[];
  readonly stepCount: number;
  readonly carriedType: number;
  readonly carriedColor: number;
}

/**
 * Every command the listing could contain, in its order, read from a snapshot: for each kind of
 * object the agent has seen (type and colour, in grid order of first appearance) "go to", "pick
 * up" for keys, balls and boxes, "open" for doors; then "put down" for what is carried.
 */
function candidateCommands(snapshot: EnvSnapshot): string[] {
  const state = snapshot.data as SnapshotState;
  const types = Buffer.from(state.types, 'base64');
  const colors = Buffer.from(state.colors, 'base64');
  const candidates: string[] = [];
  const kinds = new Set<number>();
  for (let cell = 0; cell < state.width * state.height; cell++) {
    const type = types[cell]!;
    const seenAt = state.seenAt[cell]!;
    if (type === ObjectType.empty || type === ObjectType.wall || seenAt < 0 || seenAt > state.stepCount) continue;
    if (kinds.has(type * 8 + colors[cell]!)) continue;
    kinds.add(type * 8 + colors[cell]!);
    const name = `${colorNames[colors[cell]!]} ${objectTypeNames[type]}`;
    candidates.push(`go to the ${name}`);
    if (isPickable(type)) candidates.push(`pick up the ${name}`);
    if (type === ObjectType.door) candidates.push(`open the ${name}`);
  }
  if (state.carriedType !== ObjectType.empty) candidates.push(`put down the ${colorNames[state.carriedColor]} ${objectTypeNames[state.carriedType]}`);
  return candidates;
}

/**
 * A hand-drawn level as a snapshot, in the map notation (`##` wall, `..` floor, `Kr` red key, `Ob`
 * blue ball, `By` yellow box, `Dg` / `Lg` / `_g` closed / locked / open green door, `>>` `vv`
 * `<<` `^^` the agent); every cell seen at step 0 except those in `unseen` (as `[x, y]`).
 */
function drawnLevel(
  environment: GridworldEnvironment,
  rows: readonly string[],
  options: { unseen?: readonly (readonly [number, number])[]; carried?: readonly [number, number] } = {},
): EnvSnapshot {
  const width = rows[0]!.length / 2;
  const types: number[] = [];
  const colors: number[] = [];
  const states: number[] = [];
  let agent = { x: 0, y: 0, direction: 0 };
  const letters: Record<string, readonly [number, number]> = {
    '#': [ObjectType.wall, 0], K: [ObjectType.key, 0], O: [ObjectType.ball, 0], B: [ObjectType.box, 0],
    D: [ObjectType.door, 1], L: [ObjectType.door, 2], _: [ObjectType.door, 0],
  };
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) {
      const cell = row.slice(x * 2, x * 2 + 2);
      const arrow = ['>>', 'vv', '<<', '^^'].indexOf(cell);
      if (arrow >= 0) agent = { x, y, direction: arrow };
      const [type, state] = letters[cell[0]!] ?? [ObjectType.empty, 0];
      types.push(type);
      colors.push(type === ObjectType.empty ? 0 : type === ObjectType.wall ? 5 : 'rgbpye'.indexOf(cell[1]!));
      states.push(state);
    }
  });
  const unseen = new Set((options.unseen ?? []).map(([x, y]) => y * width + x));
  const encode = (values: number[]) => Buffer.from(Uint8Array.from(values)).toString('base64');
  return {
    environmentId: environment.id,
    version: 1,
    data: {
      width,
      height: rows.length,
      types: encode(types),
      colors: encode(colors),
      states: encode(states),
      seenAt: types.map((_, cell) => (unseen.has(cell) ? -1 : 0)),
      agentX: agent.x,
      agentY: agent.y,
      agentDirection: agent.direction,
      carriedType: options.carried?.[0] ?? 0,
      carriedColor: options.carried?.[1] ?? 0,
      stepCount: 0,
      maxSteps: 200,
      ended: false,
      succeeded: false,
      mission: { kind: 'go-to', target: { type: ObjectType.goal, color: 0 }, text: 'go to the goal' },
      seed: 0,
      randomState: 1,
    },
  };
}

/** The listing's commands, and the candidates validate accepts, for the environment's current state. */
function listedAndAccepted(environment: GridworldEnvironment): { listed: readonly string[]; accepted: string[] } {
  const listed = environment.actionSpace.validActions().slice(primitiveActionNames.length);
  const accepted = candidateCommands(environment.snapshot()).filter((command) => environment.actionSpace.validate(command).ok);
  return { listed, accepted };
}

const tasks: readonly GridworldTaskName[] = ['GoToLocal', 'PickupLoc', 'OpenDoor', 'UnlockPickup', 'GoToObjMaze'];

describe('feasibleCommands (through validActions)', () => {
  it('lists exactly the candidate commands validate accepts, in order, through random play', async () => {
    let checked = 0;
    let listedCommands = 0;
    let refusedCandidates = 0;
    for (const task of tasks) {
      const environment = new GridworldEnvironment(task);
      for (let seed = 0; seed < 25; seed++) {
        const random = new SeededRandom(seed * 31 + 7);
        const { observation } = await environment.reset({ seed });
        let valid = observation.validActions;
        for (let index = 0; index < 90; index++) {
          const expected = candidateCommands(environment.snapshot()).filter((command) => environment.actionSpace.validate(command).ok);
          expect(valid.slice(0, primitiveActionNames.length)).toEqual(primitiveActionNames);
          expect(valid.slice(primitiveActionNames.length), `${task} seed ${seed} step ${index}`).toEqual(expected);
          checked++;
          listedCommands += expected.length;
          refusedCandidates += candidateCommands(environment.snapshot()).length - expected.length;
          const commands = valid.slice(primitiveActionNames.length);
          const action = commands.length > 0 && random.nextFloat() < 0.4 ? random.pick(commands) : random.pick(primitiveActionNames);
          const step = await environment.step(action);
          if (step.terminated || step.truncated) break;
          valid = step.observation.validActions;
        }
      }
    }
    // The comparison covered both outcomes many times.
    expect(checked).toBeGreaterThan(2000);
    expect(listedCommands).toBeGreaterThan(2000);
    expect(refusedCandidates).toBeGreaterThan(500);
  });

  it('agrees on hand-drawn edge cases: locked doors, a target already in front, no room to put down', async () => {
    const environment = new GridworldEnvironment('GoToLocal');
    const levels: [readonly string[], Parameters<typeof drawnLevel>[2], readonly string[]][] = [
      // A seen ball behind a locked door: no route until its key is carried.
      [['##################', '##......##......##', '##>>Kb..Lb..Og..##', '##......##......##', '##################'], {}, ['pick up the blue key', 'go to the blue door']],
      [['##################', '##......##......##', '##>>....Lb..Og..##', '##......##......##', '##################'], { carried: [ObjectType.key, 2] }, ['go to the blue door', 'open the blue door', 'put down the blue key']],
      // A red ball in front but not yet seen does not stop "go to" the seen one behind.
      [['############', '##Or..>>Or##', '############'], { unseen: [[4, 1]] }, ['go to the red ball', 'pick up the red ball']],
      [['############', '##Or..>>Or##', '############'], {}, ['pick up the red ball']],
      // Boxed in while carrying: nowhere to put the ball down (and the box in front needs no "go to").
      [['##########', '##KrvvOb##', '####By####', '##########'], { carried: [ObjectType.ball, 1] }, ['go to the red key', 'go to the blue ball']],
    ];
    for (const [rows, options, expected] of levels) {
      environment.restore(drawnLevel(environment, rows, options));
      const { listed, accepted } = listedAndAccepted(environment);
      expect(listed, rows.join('\n')).toEqual(expected);
      expect(accepted).toEqual(expected);
      // Then random play from there, comparing at every step.
      const random = new SeededRandom(rows.length);
      for (let index = 0; index < 40; index++) {
        const commands = environment.actionSpace.validActions().slice(primitiveActionNames.length);
        const step = await environment.step(commands.length > 0 && random.nextFloat() < 0.5 ? random.pick(commands) : random.pick(primitiveActionNames));
        if (step.terminated || step.truncated) break;
        const now = listedAndAccepted(environment);
        expect(now.listed).toEqual(now.accepted);
      }
    }
  });

  it('computes the listing once per state: the action space hands out the observation\'s array', async () => {
    const environment = new GridworldEnvironment('GoToObjMaze');
    const { observation } = await environment.reset({ seed: 3 });
    expect(environment.actionSpace.validActions()).toBe(observation.validActions);
    const step = await environment.step('left');
    expect(environment.actionSpace.validActions()).toBe(step.observation.validActions);
    expect(step.observation.validActions).not.toBe(observation.validActions);
  });
});
