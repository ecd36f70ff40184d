// The six MiniGrid colours, as codes stored in the grid's per-cell Uint8Array colour layer.

/** Colour codes, in MiniGrid order. */
export const Color = {
  red: 0,
  green: 1,
  blue: 2,
  purple: 3,
  yellow: 4,
  grey: 5,
} as const;

/** Names of the colours, indexed by code (`colorNames[Color.red] === 'red'`). */
export const colorNames: readonly string[] = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];

/** How many colours there are. */
export const colorCount = 6;
