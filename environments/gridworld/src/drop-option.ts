// Where "put down" puts the carried object: the first seen free floor cell among front, left,
// right and behind. Shared by the command planner and the valid-action listing so they agree.
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import { ObjectType } from './object-type.js';

/** The headings tried by `dropOption`, in order, as turns from the agent's heading (mod 4). */
const headingTurns: readonly number[] = [0, 3, 1, 2];

/**
 * Which neighbour of the agent "put down" would use: 0 front, 1 left, 2 right, 3 behind (the
 * first that is free floor the agent has seen), or -1 when none is. Ignores the hands.
 */
export function dropOption(situation: GridSituation): number {
  const { layers, seenAt, stepCount, agentX, agentY, agentDirection } = situation;
  const { width, types } = layers;
  for (let option = 0; option < 4; option++) {
    const heading = (agentDirection + headingTurns[option]!) & 3;
    const cell = (agentY + directionDeltaY[heading]!) * width + agentX + directionDeltaX[heading]!;
    if (types[cell] === ObjectType.empty && seenAt[cell]! <= stepCount) return option;
  }
  return -1;
}
