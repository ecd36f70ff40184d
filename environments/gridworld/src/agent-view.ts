// The MiniGrid-style 7x7 egocentric view: agent at the bottom centre facing up, walls and closed
// doors block sight (MiniGrid's process_vis propagation). Reuses its buffers; computing allocates nothing.
import { DoorState } from './door-state.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridLayers } from './grid-layers.js';
import { ObjectType } from './object-type.js';

/** Width and height of the view in cells. */
export const viewSize = 7;

/**
 * Which cells the agent sees. View cell `(column, row)` is index `row * 7 + column`; row 6 is the
 * agent's row, column 3 its column; `row` counts down the distance ahead (`6 - row` cells) and
 * `column - 3` is the offset to the right. Cells outside the grid count as walls, like MiniGrid.
 */
export class AgentView {
  /** Grid index of each view cell, or -1 outside the grid. */
  readonly cells = new Int32Array(viewSize * viewSize);
  /** 1 where the view cell is visible. */
  readonly visible = new Uint8Array(viewSize * viewSize);
  private readonly opaque = new Uint8Array(viewSize * viewSize);

  /** Fills `cells` and `visible` for an agent at `(x, y)` heading `direction` in `layers`. */
  compute(layers: GridLayers, x: number, y: number, direction: number): void {
    const forwardX = directionDeltaX[direction]!;
    const forwardY = directionDeltaY[direction]!;
    const rightX = directionDeltaX[(direction + 1) & 3]!;
    const rightY = directionDeltaY[(direction + 1) & 3]!;
    const { width, height, types, states } = layers;
    const cells = this.cells;
    const opaque = this.opaque;
    const visible = this.visible;
    for (let row = 0; row < viewSize; row++) {
      const ahead = viewSize - 1 - row;
      for (let column = 0; column < viewSize; column++) {
        const offset = column - 3;
        const cellX = x + ahead * forwardX + offset * rightX;
        const cellY = y + ahead * forwardY + offset * rightY;
        const viewIndex = row * viewSize + column;
        visible[viewIndex] = 0;
        if (cellX < 0 || cellY < 0 || cellX >= width || cellY >= height) {
          cells[viewIndex] = -1;
          opaque[viewIndex] = 1;
        } else {
          const index = cellY * width + cellX;
          cells[viewIndex] = index;
          const type = types[index]!;
          opaque[viewIndex] = type === ObjectType.wall || (type === ObjectType.door && states[index] !== DoorState.open) ? 1 : 0;
        }
      }
    }
    // MiniGrid's process_vis: spread visibility from the agent row by row, away from the agent.
    visible[(viewSize - 1) * viewSize + 3] = 1;
    for (let row = viewSize - 1; row >= 0; row--) {
      const base = row * viewSize;
      for (let column = 0; column < viewSize - 1; column++) {
        const index = base + column;
        if (visible[index] === 0 || opaque[index] === 1) continue;
        visible[index + 1] = 1;
        if (row > 0) {
          visible[index + 1 - viewSize] = 1;
          visible[index - viewSize] = 1;
        }
      }
      for (let column = viewSize - 1; column > 0; column--) {
        const index = base + column;
        if (visible[index] === 0 || opaque[index] === 1) continue;
        visible[index - 1] = 1;
        if (row > 0) {
          visible[index - 1 - viewSize] = 1;
          visible[index - viewSize] = 1;
        }
      }
    }
  }
}
