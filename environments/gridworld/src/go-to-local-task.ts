// BabyAI GoToLocal: one room with nine random keys, balls and boxes; go to one of them.
// Success when a matching object is in the cell in front of the agent.
import type { GridworldTask } from './gridworld-task.js';
import { generateSingleRoomObjectLevel } from './single-room-object-level.js';

/** `gridworld/GoToLocal-v0`: one 8x8 room (6x6 inside), 9 objects, 64 steps (BabyAI: room size²). */
export const goToLocalTask: GridworldTask = {
  name: 'GoToLocal',
  description: 'One room with nine keys, balls and boxes; go to the object named in the mission (BabyAI GoToLocal).',
  defaultRoomSize: 8,
  // Nine objects and the agent: 5x5 inside fits them on every seed, 4x4 only on some.
  minimumRoomSize: 7,
  defaultMaxSteps: (roomSize) => roomSize * roomSize,
  generate: (random, roomSize) => generateSingleRoomObjectLevel('GoToLocal', 'go-to', random, roomSize),
};
