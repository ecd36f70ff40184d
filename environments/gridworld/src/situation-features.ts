// Discrete features of a situation, a compact key for tabular world models: pose, hands, what is
// in front, and every door's state packed into one string.
import { cellName } from './cell-name.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridLayers } from './grid-layers.js';
import type { GridSituation } from './grid-situation.js';
import { describeObject } from './object-description.js';
import { ObjectType } from './object-type.js';

const doorLetters = 'ocl';

/** The state of every door in grid order, one letter each: o open, c closed, l locked. */
export function doorStates(layers: GridLayers): string {
  const { types, states } = layers;
  let doors = '';
  for (let cell = 0; cell < types.length; cell++) {
    if (types[cell] === ObjectType.door) doors += doorLetters[states[cell]!];
  }
  return doors;
}

/**
 * `x`, `y`, `direction` (0 east .. 3 north), `carrying` (`none` or `yellow key`), `front` (what is
 * in the cell ahead) and `doors` (`doorStates` of the grid, which the caller may pass if known).
 */
export function situationFeatures(situation: GridSituation, doors: string = doorStates(situation.layers)): Record<string, string | number | boolean> {
  const { layers, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  const front = (agentY + directionDeltaY[agentDirection]!) * layers.width + agentX + directionDeltaX[agentDirection]!;
  return {
    x: agentX,
    y: agentY,
    direction: agentDirection,
    carrying: carriedType === ObjectType.empty ? 'none' : describeObject({ type: carriedType, color: carriedColor }),
    front: cellName(layers, front),
    doors,
  };
}
