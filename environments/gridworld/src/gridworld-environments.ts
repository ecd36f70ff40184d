// The registered gridworld environments: one EnvironmentSpec per task, ids `gridworld/<Task>-v0`.
import type { EnvironmentSpec } from '@worldloop/spec';
import { GridworldEnvironment, type GridworldEnvironmentOptions } from './gridworld-environment.js';
import type { GridworldObservation } from './gridworld-observation.js';
import type { GridworldTaskName } from './gridworld-task.js';
import { gridworldTasks } from './gridworld-tasks.js';
import { GridworldVectorEnvironment } from './gridworld-vector-environment.js';

function specFor(name: GridworldTaskName): EnvironmentSpec<GridworldObservation, string> {
  const task = gridworldTasks[name];
  return {
    id: `gridworld/${name}-v0`,
    description: task.description,
    hasExpert: true,
    create: (options?: GridworldEnvironmentOptions) => new GridworldEnvironment(name, options),
    createVector: (size: number, options?: GridworldEnvironmentOptions) => new GridworldVectorEnvironment(name, size, options),
  };
}

/**
 * Every gridworld task as an `EnvironmentSpec`: GoToLocal, PickupLoc, OpenDoor, UnlockPickup,
 * GoToObjMaze (all `-v0`, all with an expert). `create` accepts `GridworldEnvironmentOptions`;
 * `createVector` makes a `GridworldVectorEnvironment` with the same options.
 */
export const gridworldEnvironments: readonly EnvironmentSpec<GridworldObservation, string>[] = (
  Object.keys(gridworldTasks) as GridworldTaskName[]
).map(specFor);
