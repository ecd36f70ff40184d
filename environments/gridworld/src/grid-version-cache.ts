// What depends on the grid alone (its object cells, the map without the agent, the door states),
// kept for the last grid version asked for: most steps change no cell, so observations share it.
import type { Grid } from './grid.js';
import { ObjectCells } from './object-cells.js';
import { renderGrid } from './render-map.js';
import { doorStates } from './situation-features.js';

/**
 * One environment's cache of grid-derived values, keyed by the episode's `Grid` and its journal
 * version (a grid at a given version never changes, so entries need no invalidation; a new key
 * simply replaces the old). Each value has its own key, so reading one computes only that one.
 */
export class GridVersionCache {
  private readonly objectCells = new ObjectCells();
  private objectsGrid: Grid | undefined;
  private objectsVersion = -1;
  private mapGrid: Grid | undefined;
  private mapVersion = -1;
  private mapText = '';
  private doorsGrid: Grid | undefined;
  private doorsVersion = -1;
  private doorsText = '';

  /** The object and door cells of `grid` as it was at `version` (valid until the next call). */
  objects(grid: Grid, version: number): ObjectCells {
    if (this.objectsGrid !== grid || this.objectsVersion !== version) {
      this.objectCells.compute(grid.atVersion(version));
      this.objectsGrid = grid;
      this.objectsVersion = version;
    }
    return this.objectCells;
  }

  /** `renderGrid` of `grid` as it was at `version`. */
  map(grid: Grid, version: number): string {
    if (this.mapGrid !== grid || this.mapVersion !== version) {
      this.mapText = renderGrid(grid.atVersion(version));
      this.mapGrid = grid;
      this.mapVersion = version;
    }
    return this.mapText;
  }

  /** `doorStates` of `grid` as it was at `version`. */
  doors(grid: Grid, version: number): string {
    if (this.doorsGrid !== grid || this.doorsVersion !== version) {
      this.doorsText = doorStates(grid.atVersion(version));
      this.doorsGrid = grid;
      this.doorsVersion = version;
    }
    return this.doorsText;
  }
}
