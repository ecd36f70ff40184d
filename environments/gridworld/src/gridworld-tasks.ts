// The registered gridworld tasks by name.
import { goToLocalTask } from './go-to-local-task.js';
import { goToObjMazeTask } from './go-to-obj-maze-task.js';
import type { GridworldTask, GridworldTaskName } from './gridworld-task.js';
import { openDoorTask } from './open-door-task.js';
import { pickupLocTask } from './pickup-loc-task.js';
import { unlockPickupTask } from './unlock-pickup-task.js';

/** Every task, keyed by name, in registration order. */
export const gridworldTasks: Readonly<Record<GridworldTaskName, GridworldTask>> = {
  GoToLocal: goToLocalTask,
  PickupLoc: pickupLocTask,
  OpenDoor: openDoorTask,
  UnlockPickup: unlockPickupTask,
  GoToObjMaze: goToObjMazeTask,
};
