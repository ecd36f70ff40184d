// The read-only shape of a grid: three parallel Uint8Array layers (type, colour, state) indexed by
// y * width + x. Both the live grid and reconstructed past grids expose it.

/** A grid as typed-array layers. Cell `(x, y)` is index `y * width + x`. */
export interface GridLayers {
  readonly width: number;
  readonly height: number;
  /** `ObjectType` code of each cell. */
  readonly types: Uint8Array;
  /** `Color` code of each cell (meaningless for empty cells and walls). */
  readonly colors: Uint8Array;
  /** `DoorState` code of each door cell; 0 elsewhere. */
  readonly states: Uint8Array;
}
