// MiniGrid UnlockPickup: two rooms joined by a locked door; the key of the door's colour lies in
// the agent's room, the target ball or box behind the door. Key, unlock, drop the key, pick up.
import { colorCount } from './color.js';
import { DoorState } from './door-state.js';
import type { GridworldTask } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { missionFor } from './mission.js';
import { ObjectType } from './object-type.js';
import { RoomGrid } from './room-grid.js';

const targetTypes: readonly number[] = [ObjectType.ball, ObjectType.box];

/** `gridworld/UnlockPickup-v0`: 1x2 rooms of size 7 (13x7 grid), 392 steps (MiniGrid: 8 x room size²). */
export const unlockPickupTask: GridworldTask = {
  name: 'UnlockPickup',
  description:
    'Two rooms joined by a locked door; the matching key is in your room, the ball or box to pick up behind the door. Needs key, unlock, drop, pick up (MiniGrid UnlockPickup).',
  defaultRoomSize: 7,
  minimumRoomSize: 5,
  defaultMaxSteps: (roomSize) => 8 * roomSize * roomSize,
  generate(random, roomSize) {
    return generateWithRetries('UnlockPickup', () => {
      const rooms = new RoomGrid(random, 2, 1, roomSize);
      const targetCell = rooms.placeObject(1, 0, random.pick(targetTypes), random.integer(0, colorCount));
      const doorColor = random.integer(0, colorCount);
      rooms.addDoor(0, 0, 0, doorColor, DoorState.locked);
      rooms.placeObject(0, 0, ObjectType.key, doorColor);
      rooms.placeAgent(0, 0);
      if (!rooms.allReachable()) return undefined;
      const target = rooms.objectAt(targetCell);
      return rooms.level(missionFor('pick-up', target));
    });
  },
};
