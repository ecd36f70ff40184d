// BabyAI GoToObjMaze: a 3x3 maze of rooms connected by doors (each open or closed, never locked)
// with one object somewhere; go to it. Success when it is in the cell in front of the agent.
import type { GridworldTask } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { missionFor } from './mission.js';
import { RoomGrid } from './room-grid.js';

const allColors = [0, 1, 2, 3, 4, 5];

/** `gridworld/GoToObjMaze-v0`: 3x3 rooms of size 7 (19x19 grid), one object, 441 steps. */
export const goToObjMazeTask: GridworldTask = {
  name: 'GoToObjMaze',
  description: 'A 3x3 maze of rooms joined by open and closed doors with one key, ball or box somewhere; go to it (BabyAI GoToObjMaze).',
  defaultRoomSize: 7,
  minimumRoomSize: 5,
  defaultMaxSteps: (roomSize) => roomSize * roomSize * 9,
  generate(random, roomSize) {
    return generateWithRetries('GoToObjMaze', () => {
      const rooms = new RoomGrid(random, 3, 3, roomSize);
      rooms.connectAll(allColors, 0.5);
      const [cell] = rooms.addDistractors(1, false);
      rooms.placeAgent(random.integer(0, 3), random.integer(0, 3));
      if (!rooms.allReachable()) return undefined;
      const target = rooms.objectAt(cell!);
      return rooms.level(missionFor('go-to', target));
    });
  },
};
