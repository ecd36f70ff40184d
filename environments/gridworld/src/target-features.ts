// Egocentric, level-independent features of a situation in the mission's terms: where the nearest
// mission target lies from the agent (steps ahead, steps to the right), what is in front of it and
// what it carries. Two levels that look alike from the agent share these values, so a tabular
// model keyed on them carries what it learns in one level to the next.
import { doorStateNames } from './door-state.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import { missionVerbs, type Mission } from './mission.js';
import { matchesDescription } from './object-description.js';
import { ObjectCells } from './object-cells.js';
import { ObjectType } from './object-type.js';

/**
 * The names of the features `targetFeatures` adds to an observation, for keying tabular models on
 * them alone (`featureSubsetStateKey(targetFeatureNames)` in `@worldloop/world-model`).
 */
export const targetFeatureNames: readonly string[] = ['mission.verb', 'target.ahead', 'target.right', 'target.front', 'carrying.target'];

/**
 * - `mission.verb`: `go to`, `pick up` or `open`;
 * - `target.ahead`, `target.right`: steps from the agent to the nearest object matching the
 *   mission's target, along its heading and to its right (negative: behind, to the left), or `none`
 *   when no matching object lies on the grid (it is carried, say). Nearest by steps east plus
 *   steps south; among equally near ones the first in grid order that lies ahead of the agent, else
 *   the first in grid order. An open door the agent stands in does not count;
 * - `target.front`: the cell ahead: `target`, `floor`, `wall`, `goal`, `door-open`, `door-closed`,
 *   `door-locked` or `object` (any other key, ball, box);
 * - `carrying.target`: `nothing`, `target` (a matching object) or `other`.
 *
 * `objects` are the situation's object cells when the caller has them (computed otherwise).
 */
export function targetFeatures(situation: GridSituation, mission: Mission, objects?: ObjectCells): Record<string, string | number> {
  const { layers, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  const target = mission.target;
  if (objects === undefined) {
    objects = new ObjectCells();
    objects.compute(layers);
  }
  const width = layers.width;
  const forwardX = directionDeltaX[agentDirection]!;
  const forwardY = directionDeltaY[agentDirection]!;
  const rightX = directionDeltaX[(agentDirection + 1) & 3]!;
  const rightY = directionDeltaY[(agentDirection + 1) & 3]!;
  const agentCell = agentY * width + agentX;
  let ahead: number | 'none' = 'none';
  let right: number | 'none' = 'none';
  let nearest = Number.POSITIVE_INFINITY;
  for (let entry = 0; entry < objects.count; entry++) {
    const cell = objects.cells[entry]!;
    if (cell === agentCell || !matchesDescription(layers, cell, target)) continue;
    const east = (cell % width) - agentX;
    const south = Math.floor(cell / width) - agentY;
    // `+ 0` turns a product's -0 into 0.
    const cellAhead = east * forwardX + south * forwardY + 0;
    // Twice the distance, less one for a cell ahead: equally near cells ahead win the tie.
    const rank = 2 * (Math.abs(east) + Math.abs(south)) - (cellAhead > 0 ? 1 : 0);
    if (rank < nearest) {
      nearest = rank;
      ahead = cellAhead;
      right = east * rightX + south * rightY + 0;
    }
  }
  const front = (agentY + forwardY) * width + agentX + forwardX;
  let carrying = 'nothing';
  if (carriedType !== ObjectType.empty) {
    carrying = carriedType === target.type && (target.color < 0 || carriedColor === target.color) ? 'target' : 'other';
  }
  return {
    'mission.verb': missionVerbs[mission.kind],
    'target.ahead': ahead,
    'target.right': right,
    'target.front': matchesDescription(layers, front, target) ? 'target' : frontClass(layers.types[front]!, layers.states[front]!),
    'carrying.target': carrying,
  };
}

/** What a cell that is not a target is, for `target.front`. */
function frontClass(type: number, state: number): string {
  switch (type) {
    case ObjectType.empty:
      return 'floor';
    case ObjectType.wall:
      return 'wall';
    case ObjectType.goal:
      return 'goal';
    case ObjectType.door:
      return `door-${doorStateNames[state]!}`;
    default:
      return 'object';
  }
}
