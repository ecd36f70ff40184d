// The target features in hand-built situations (offsets in the agent's frame for every heading,
// what is in front, what is carried, the nearest-target tie rule) and in the real environment
// (facing the target always reads one ahead, none to the right).
import { describe, expect, it } from 'vitest';
import { Color } from './color.js';
import { Direction } from './direction.js';
import { DoorState } from './door-state.js';
import { Grid } from './grid.js';
import type { GridSituation } from './grid-situation.js';
import { gridworldEnvironments } from './gridworld-environments.js';
import { missionFor, type MissionKind } from './mission.js';
import { ObjectType } from './object-type.js';
import { targetFeatureNames, targetFeatures } from './target-features.js';

const any = -1;

/**
 * A 5x5 room, walls around:
 * ```
 * ##########
 * ##..Or..##
 * ##..^^..##   the agent at (2, 2), heading as asked
 * ##..Ob..##
 * ##########
 * ```
 * `extra` adds cells (x, y, type, colour, state) to it.
 */
function room(direction: number, carried: { type: number; color: number } = { type: ObjectType.empty, color: 0 }, extra: [number, number, number, number, number][] = []): GridSituation {
  const grid = new Grid(5, 5);
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) if (x === 0 || y === 0 || x === 4 || y === 4) grid.initializeCell(y * 5 + x, ObjectType.wall, Color.grey, 0);
  }
  grid.initializeCell(1 * 5 + 2, ObjectType.ball, Color.red, 0);
  grid.initializeCell(3 * 5 + 2, ObjectType.ball, Color.blue, 0);
  for (const [x, y, type, color, state] of extra) grid.initializeCell(y * 5 + x, type, color, state);
  return { layers: grid, seenAt: grid.seenAt, stepCount: 0, agentX: 2, agentY: 2, agentDirection: direction, carriedType: carried.type, carriedColor: carried.color };
}

const features = (situation: GridSituation, kind: MissionKind, type: number, color: number) => targetFeatures(situation, missionFor(kind, { type, color }));

describe('targetFeatures', () => {
  it('places the target ahead / right of the agent whichever way it faces', () => {
    // The red ball is one row north of the agent, the blue ball one row south.
    expect(features(room(Direction.north), 'pick-up', ObjectType.ball, Color.red)).toEqual({
      'mission.verb': 'pick up',
      'target.ahead': 1,
      'target.right': 0,
      'target.front': 'target',
      'carrying.target': 'nothing',
    });
    expect(features(room(Direction.south), 'pick-up', ObjectType.ball, Color.red)).toMatchObject({ 'target.ahead': -1, 'target.right': 0, 'target.front': 'object' });
    expect(features(room(Direction.east), 'go-to', ObjectType.ball, Color.red)).toMatchObject({ 'mission.verb': 'go to', 'target.ahead': 0, 'target.right': -1, 'target.front': 'floor' });
    expect(features(room(Direction.east), 'go-to', ObjectType.ball, Color.blue)).toMatchObject({ 'target.ahead': 0, 'target.right': 1 });
    expect(features(room(Direction.west), 'go-to', ObjectType.ball, Color.blue)).toMatchObject({ 'target.ahead': 0, 'target.right': -1 });
  });

  it('takes the nearest target, one ahead among equals, else the first in grid order', () => {
    // Both balls are one step away: facing south, the blue one is ahead; facing east, neither is,
    // and the red one comes first in grid order.
    const carryingKey = { type: ObjectType.key, color: Color.green };
    expect(features(room(Direction.south, carryingKey), 'go-to', ObjectType.ball, any)).toMatchObject({ 'target.ahead': 1, 'target.right': 0, 'target.front': 'target', 'carrying.target': 'other' });
    expect(features(room(Direction.east), 'go-to', ObjectType.ball, any)).toMatchObject({ 'target.ahead': 0, 'target.right': -1 });
    const farRedBall: [number, number, number, number, number] = [3, 1, ObjectType.ball, Color.red, 0];
    expect(features(room(Direction.east, undefined, [[2, 1, ObjectType.empty, 0, 0], farRedBall]), 'go-to', ObjectType.ball, Color.red)).toMatchObject({ 'target.ahead': 1, 'target.right': -1 });
  });

  it('says when the target is carried or nowhere on the grid', () => {
    const carryingGreenBall = { type: ObjectType.ball, color: Color.green };
    expect(features(room(Direction.north, carryingGreenBall), 'pick-up', ObjectType.ball, Color.green)).toEqual({
      'mission.verb': 'pick up',
      'target.ahead': 'none',
      'target.right': 'none',
      'target.front': 'object',
      'carrying.target': 'target',
    });
    expect(features(room(Direction.north), 'open', ObjectType.door, Color.red)).toMatchObject({ 'mission.verb': 'open', 'target.ahead': 'none', 'target.right': 'none' });
    // An open door the agent stands in is not where the target lies.
    const standingInDoor = room(Direction.north, undefined, [[2, 2, ObjectType.door, Color.red, DoorState.open]]);
    expect(features(standingInDoor, 'go-to', ObjectType.door, Color.red)).toMatchObject({ 'target.ahead': 'none', 'target.right': 'none' });
  });

  it('names what is in front: wall, floor, goal, doors by state, other objects', () => {
    const front = (direction: number, extra: [number, number, number, number, number][] = []) => features(room(direction, undefined, extra), 'open', ObjectType.door, Color.yellow)['target.front'];
    expect(front(Direction.east)).toBe('floor');
    expect(front(Direction.north)).toBe('object');
    expect(front(Direction.east, [[3, 2, ObjectType.goal, Color.green, 0]])).toBe('goal');
    expect(front(Direction.east, [[3, 2, ObjectType.door, Color.red, DoorState.locked]])).toBe('door-locked');
    expect(front(Direction.east, [[3, 2, ObjectType.door, Color.red, DoorState.closed]])).toBe('door-closed');
    expect(front(Direction.east, [[3, 2, ObjectType.door, Color.red, DoorState.open]])).toBe('door-open');
    expect(front(Direction.east, [[3, 2, ObjectType.door, Color.yellow, DoorState.open]])).toBe('target');
    expect(front(Direction.east, [[3, 2, ObjectType.wall, Color.grey, 0]])).toBe('wall');
  });

  it('are off by default: the observation keeps its pose features only', async () => {
    const environment = gridworldEnvironments[0]!.create();
    const { observation } = await environment.reset({ seed: 0 });
    expect(Object.keys(observation.features).some((name) => (targetFeatureNames as readonly string[]).includes(name))).toBe(false);
    expect(() => gridworldEnvironments[0]!.create({ targetFeatures: 'yes' })).toThrow(/targetFeatures must be true or false/);
  });

  it('agrees with the real environment: facing the target reads one ahead, none to the right', async () => {
    for (const spec of gridworldEnvironments) {
      const environment = spec.create({ targetFeatures: true });
      for (let seed = 0; seed < 3; seed++) {
        const reset = await environment.reset({ seed });
        expect(Object.keys(reset.observation.features)).toEqual(expect.arrayContaining([...targetFeatureNames]));
        let result;
        let facedTarget = false;
        for (let step = 0; step < 200; step++) {
          const action = environment.expertAction!();
          if (action === undefined) break;
          result = await environment.step(action);
          const observed = result.observation.features;
          if (observed['target.front'] === 'target') {
            facedTarget = true;
            expect([observed['target.ahead'], observed['target.right']]).toEqual([1, 0]);
          }
          if (result.terminated || result.truncated) break;
        }
        expect(result?.info.success, `${spec.id} seed ${seed}`).toBe(true);
        // Every mission ends facing its target, or holding it.
        expect(facedTarget || result!.observation.features['carrying.target'] === 'target', `${spec.id} seed ${seed}`).toBe(true);
      }
    }
  });
});
