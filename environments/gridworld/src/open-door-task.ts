// BabyAI OpenDoor: the agent starts in the centre room of a 3x3 grid whose four walls each hold a
// closed door of a different colour; open the named one. Success when a toggle opens it.
import { DoorState } from './door-state.js';
import type { GridworldTask } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { missionFor } from './mission.js';
import { ObjectType } from './object-type.js';
import { RoomGrid } from './room-grid.js';

const allColors = [0, 1, 2, 3, 4, 5];

/** `gridworld/OpenDoor-v0`: 3x3 rooms of size 7 (19x19 grid), 441 steps (BabyAI: room size² x rooms). */
export const openDoorTask: GridworldTask = {
  name: 'OpenDoor',
  description: 'The centre room of a 3x3 grid has four closed doors of different colours; open the one named in the mission (BabyAI OpenDoor).',
  defaultRoomSize: 7,
  minimumRoomSize: 5,
  defaultMaxSteps: (roomSize) => roomSize * roomSize * 9,
  generate(random, roomSize) {
    return generateWithRetries('OpenDoor', () => {
      const rooms = new RoomGrid(random, 3, 3, roomSize);
      const colors = random.subset(allColors, 4);
      for (let side = 0; side < 4; side++) rooms.addDoor(1, 1, side, colors[side]!, DoorState.closed);
      rooms.placeAgent(1, 1);
      if (!rooms.allReachable()) return undefined;
      const color = random.pick(colors);
      const target = { type: ObjectType.door, color };
      return rooms.level(missionFor('open', target));
    });
  },
};
