// BabyAI PickupLoc without location phrases: one room with nine random objects; pick up the named one.
// Success when a pickup leaves a matching object in the agent's hands.
import type { GridworldTask } from './gridworld-task.js';
import { generateSingleRoomObjectLevel } from './single-room-object-level.js';

/** `gridworld/PickupLoc-v0`: one 8x8 room, 9 objects, 64 steps. */
export const pickupLocTask: GridworldTask = {
  name: 'PickupLoc',
  description: 'One room with nine keys, balls and boxes; pick up the object named in the mission (BabyAI PickupLoc, colour and type only).',
  defaultRoomSize: 8,
  // Nine objects and the agent: 5x5 inside fits them on every seed, 4x4 only on some.
  minimumRoomSize: 7,
  defaultMaxSteps: (roomSize) => roomSize * roomSize,
  generate: (random, roomSize) => generateSingleRoomObjectLevel('PickupLoc', 'pick-up', random, roomSize),
};
