// The contract of a gridworld task: a level generator plus its defaults, like a MiniGrid subclass
// overriding _gen_grid. Each registered environment id wraps one task.
import type { Grid } from './grid.js';
import type { Mission } from './mission.js';
import type { SeededRandom } from './seeded-random.js';

/** Names of the registered tasks (the id is `gridworld/<name>-v0`). */
export type GridworldTaskName = 'GoToLocal' | 'PickupLoc' | 'OpenDoor' | 'UnlockPickup' | 'GoToObjMaze';

/** A freshly generated level: the grid, where the agent starts, and what it must do. */
export interface GeneratedLevel {
  readonly grid: Grid;
  readonly agentX: number;
  readonly agentY: number;
  readonly agentDirection: number;
  readonly mission: Mission;
}

/** A task: how to generate its levels and its default sizes. */
export interface GridworldTask {
  readonly name: GridworldTaskName;
  /** One or two sentences for `worldloop envs`. */
  readonly description: string;
  /** Room size (cells, walls included) when the options give none. */
  readonly defaultRoomSize: number;
  /** Smallest room size (cells, walls included) whose levels can be generated from every seed. */
  readonly minimumRoomSize: number;
  /** Step limit when the options give none (BabyAI-style, from the room size). */
  defaultMaxSteps(roomSize: number): number;
  /** Builds a level with all randomness drawn from `random`; every level is solvable. */
  generate(random: SeededRandom, roomSize: number): GeneratedLevel;
}
