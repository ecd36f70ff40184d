// BabyAI PickupLoc without location phrases: one room with nine random objects; pick up the named one.
// Success when a pickup leaves a matching object in the agent's hands.
import type { GridworldTask } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { describeObject } from './object-description.js';
import { RoomGrid } from './room-grid.js';

/** `gridworld/PickupLoc-v0`: one 8x8 room, 9 objects, 64 steps. */
export const pickupLocTask: GridworldTask = {
  name: 'PickupLoc',
  description: 'One room with nine keys, balls and boxes; pick up the object named in the mission (BabyAI PickupLoc, colour and type only).',
  defaultRoomSize: 8,
  defaultMaxSteps: (roomSize) => roomSize * roomSize,
  generate(random, roomSize) {
    return generateWithRetries('PickupLoc', () => {
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
        mission: { kind: 'pick-up', target, text: `pick up the ${describeObject(target)}` },
      };
    });
  },
};
