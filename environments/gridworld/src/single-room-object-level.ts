// The level GoToLocal and PickupLoc share (BabyAI's "Local" levels): one room, nine random keys,
// balls and boxes, and a mission about one of them.
import type { GeneratedLevel } from './gridworld-task.js';
import { generateWithRetries } from './level-attempts.js';
import { missionFor, type MissionKind } from './mission.js';
import { RoomGrid } from './room-grid.js';
import type { SeededRandom } from './seeded-random.js';

/** One room of `roomSize` with nine distractors, the agent placed at random, one of them the target. */
export function generateSingleRoomObjectLevel(taskName: string, kind: MissionKind, random: SeededRandom, roomSize: number): GeneratedLevel {
  return generateWithRetries(taskName, () => {
    const rooms = new RoomGrid(random, 1, 1, roomSize);
    const objects = rooms.addDistractors(9, false, 0, 0);
    rooms.placeAgent(0, 0);
    if (!rooms.allReachable()) return undefined;
    return rooms.level(missionFor(kind, rooms.objectAt(random.pick(objects))));
  });
}
