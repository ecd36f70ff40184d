// A frozen moment of an episode as planners and describers need it: the grid layers, the agent's
// pose and hands, and which cells the agent had seen by then.
import type { GridLayers } from './grid-layers.js';

/** The state of an episode at one step, read-only. */
export interface GridSituation {
  readonly layers: GridLayers;
  /** First-seen step of each cell (see `Grid.seenAt`). */
  readonly seenAt: Int32Array;
  /** The step count of this moment: cell i was seen iff `seenAt[i] <= stepCount`. */
  readonly stepCount: number;
  readonly agentX: number;
  readonly agentY: number;
  /** `Direction` code. */
  readonly agentDirection: number;
  /** `ObjectType` code of the carried object, or `ObjectType.empty` when the hands are empty. */
  readonly carriedType: number;
  /** `Color` code of the carried object (meaningless when nothing is carried). */
  readonly carriedColor: number;
}
