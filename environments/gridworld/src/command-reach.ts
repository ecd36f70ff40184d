// Where text-command routes can go, from one cell-level breadth-first search: the cells a route
// can stand on and the cells it can end facing. Reuses its typed arrays; computing allocates nothing.
import { DoorState } from './door-state.js';
import type { GridSituation } from './grid-situation.js';
import { ObjectType } from './object-type.js';

/**
 * Reachability under the routing rules of text commands (those of `PathSearch` with `knownOnly`):
 * a route steps only into seen cells that are floor, goal or an unlocked door (closed doors are
 * opened on the way); locked doors, objects and walls block it. Turning is free, so every pose of
 * a reached cell is reachable, and a cell can be faced exactly when it lies inside the grid next
 * to a reached cell. `PathSearch` finds the same sets over poses; this answers "is there a
 * route at all" for every target at once, as the valid-action listing needs, without headings.
 */
export class CommandReach {
  /** 1 where a route can stand, per grid cell (the agent's own cell included). */
  reached = new Uint8Array(0);
  /** 1 where a route can end facing the cell, per grid cell. */
  facing = new Uint8Array(0);
  private queue = new Int32Array(0);

  /** Fills `reached` and `facing` for `situation`; only the first `width * height` entries count. */
  compute(situation: GridSituation): void {
    const { layers, seenAt, stepCount } = situation;
    const { width, height, types, states } = layers;
    const cellCount = width * height;
    if (this.reached.length < cellCount) {
      this.reached = new Uint8Array(cellCount);
      this.facing = new Uint8Array(cellCount);
      this.queue = new Int32Array(cellCount);
    }
    const reached = this.reached;
    const facing = this.facing;
    const queue = this.queue;
    reached.fill(0, 0, cellCount);
    facing.fill(0, 0, cellCount);
    const start = situation.agentY * width + situation.agentX;
    reached[start] = 1;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const cell = queue[head++]!;
      const x = cell % width;
      // East, south, west, north: a neighbour outside the grid can be neither faced nor entered.
      for (let direction = 0; direction < 4; direction++) {
        let next: number;
        if (direction === 0) {
          if (x + 1 >= width) continue;
          next = cell + 1;
        } else if (direction === 1) {
          next = cell + width;
          if (next >= cellCount) continue;
        } else if (direction === 2) {
          if (x === 0) continue;
          next = cell - 1;
        } else {
          next = cell - width;
          if (next < 0) continue;
        }
        facing[next] = 1;
        if (reached[next] === 1 || seenAt[next]! > stepCount) continue;
        const type = types[next]!;
        if (type === ObjectType.empty || type === ObjectType.goal || (type === ObjectType.door && states[next] !== DoorState.locked)) {
          reached[next] = 1;
          queue[tail++] = next;
        }
      }
    }
  }
}
