// The cells of a grid that hold an object or a door (anything but floor and wall), in grid order:
// a short list that describers and the valid-action listing walk instead of the whole grid.
import type { GridLayers } from './grid-layers.js';
import { ObjectType } from './object-type.js';

/** A reusable list of object and door cells; `compute` refills it for a grid. */
export class ObjectCells {
  /** Grid indices, ascending; only the first `count` entries count. */
  cells = new Int32Array(16);
  /** How many entries of `cells` are in use. */
  count = 0;

  /** Lists the cells of `layers` whose type is neither `empty` nor `wall`. */
  compute(layers: GridLayers): void {
    const types = layers.types;
    let count = 0;
    for (let cell = 0; cell < types.length; cell++) {
      const type = types[cell]!;
      if (type === ObjectType.empty || type === ObjectType.wall) continue;
      if (count === this.cells.length) {
        const grown = new Int32Array(count * 2);
        grown.set(this.cells);
        this.cells = grown;
      }
      this.cells[count++] = cell;
    }
    this.count = count;
  }
}
