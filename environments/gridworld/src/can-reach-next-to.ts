// A cheap cell-level reachability test (no headings) used to check that dropping an object somewhere
// would not wall off the goal: walks floor, goals and unlocked doors.
import { DoorState } from './door-state.js';
import type { GridLayers } from './grid-layers.js';
import { ObjectType } from './object-type.js';

/**
 * Whether an agent at `fromCell` can walk to a cell next to one of the `goalCells` (where the
 * array is non-zero), treating `blockedCell` as occupied. Closed doors count as passable (the
 * agent can open them); locked doors and objects do not.
 */
export function canReachNextTo(layers: GridLayers, fromCell: number, goalCells: Uint8Array, blockedCell: number): boolean {
  const { width, types, states } = layers;
  const seen = new Uint8Array(types.length);
  const queue = new Int32Array(types.length);
  let head = 0;
  let tail = 0;
  queue[tail++] = fromCell;
  seen[fromCell] = 1;
  while (head < tail) {
    const cell = queue[head++]!;
    const neighbours = [cell + 1, cell - 1, cell + width, cell - width];
    for (const next of neighbours) {
      if (next < 0 || next >= types.length) continue;
      if (goalCells[next] !== 0 && next !== blockedCell) return true;
      if (seen[next] === 1 || next === blockedCell) continue;
      const type = types[next]!;
      const passable =
        type === ObjectType.empty || type === ObjectType.goal || (type === ObjectType.door && states[next] !== DoorState.locked);
      if (!passable) continue;
      seen[next] = 1;
      queue[tail++] = next;
    }
  }
  return false;
}
