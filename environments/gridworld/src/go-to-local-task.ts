// BabyAI GoToLocal: one room with nine random keys, balls and boxes; go to one of them.
// Success when a matching object is in the cell in front of the agent.
import type { GridworldTask } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { describeObject } from './object-description.js';
import { RoomGrid } from './room-grid.js';

/** `gridworld/GoToLocal-v0`: one 8x8 room (6x6 inside), 9 objects, 64 steps (BabyAI: room size²). */
export const goToLocalTask: GridworldTask = {
  name: 'GoToLocal',
  description: 'One room with nine keys, balls and boxes; go to the object named in the mission (BabyAI GoToLocal).',
  defaultRoomSize: 8,
  defaultMaxSteps: (roomSize) => roomSize * roomSize,
  generate(random, roomSize) {
    return generateWithRetries('GoToLocal', () => {
      const rooms = new RoomGrid(random, 1, 1, roomSize);
      const objects = rooms.addDistractors(9, false, 0, 0);
      rooms.placeAgent(0, 0);
      if (!rooms.allReachable()) return undefined;
      const cell = random.pick(objects);
      const target = { type: rooms.grid.types[cell]!, color: rooms.grid.colors[cell]! };
      return {
        grid: rooms.grid,
        agentX: rooms.agentX,
        agentY: rooms.agentY,
        agentDirection: rooms.agentDirection,
        mission: { kind: 'go-to', target, text: `go to the ${describeObject(target)}` },
      };
    });
  },
};
