// The valid-action listing against its definition: a text command is listed exactly when the action
// space's validate (which plans it with a path search) accepts it, over many seeds and random play.
import type { EnvSnapshot } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { colorNames } from './color.js';
import { drawnLevel, type DrawnLevelOptions } from './fixtures/drawn-level.js';
import { GridworldEnvironment } from './gridworld-environment.js';
import type { GridworldTaskName } from './gridworld-task.js';
import type { Mission } from './mission.js';
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

/** The mission of every drawn level here (the listing does not depend on it). */
const goToGoal: Mission = { kind: 'go-to', target: { type: ObjectType.goal, color: 0 }, text: 'go to the goal' };

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
    const levels: [readonly string[], DrawnLevelOptions, readonly string[]][] = [
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
      environment.restore(drawnLevel(environment, rows, goToGoal, { maxSteps: 200, ...options }));
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
