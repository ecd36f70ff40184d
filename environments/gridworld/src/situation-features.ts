// Discrete features of a situation, a compact key for tabular world models: pose, hands, what is
// in front, and every door's state packed into one string.
import { cellName } from './cell-name.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import { describeObject } from './object-description.js';
import { ObjectType } from './object-type.js';

const doorLetters = 'ocl';

/**
 * `x`, `y`, `direction` (0 east .. 3 north), `carrying` (`none` or `yellow key`), `front` (what is
 * in the cell ahead) and `doors` (one letter per door in grid order: o open, c closed, l locked).
 */
export function situationFeatures(situation: GridSituation): Record<string, string | number | boolean> {
  const { layers, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  let doors = '';
  for (let cell = 0; cell < layers.types.length; cell++) {
    if (layers.types[cell] === ObjectType.door) doors += doorLetters[layers.states[cell]!];
  }
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
