// Names a grid cell's contents in words for observations: "a locked yellow door", "a red ball".
// Names are built once per kind of contents and then looked up.
import { colorNames } from './color.js';
import { doorStateNames } from './door-state.js';
import type { GridLayers } from './grid-layers.js';
import { ObjectType, objectTypeNames } from './object-type.js';

/** Built names, indexed by `(type * 8 + color) * 4 + state` (types and colours below 8, states below 4). */
const names: (string | undefined)[] = new Array<string | undefined>(8 * 8 * 4);

function buildName(type: number, color: number, state: number): string {
  if (type === ObjectType.empty) return 'free floor';
  if (type === ObjectType.wall) return 'a wall';
  if (type === ObjectType.goal) return 'the goal';
  const colorName = colorNames[color]!;
  if (type === ObjectType.door) {
    const stateName = doorStateNames[state]!;
    return `${stateName === 'open' ? 'an' : 'a'} ${stateName} ${colorName} door`;
  }
  return `a ${colorName} ${objectTypeNames[type]}`;
}

/** The contents of cell `index` with an indefinite article: `a wall`, `free floor`, `an open red door`. */
export function cellName(layers: GridLayers, index: number): string {
  const type = layers.types[index]!;
  const color = layers.colors[index]!;
  const state = layers.states[index]!;
  if (!(type < 8 && color < 8 && state < 4)) return buildName(type, color, state);
  const entry = (type * 8 + color) * 4 + state;
  return (names[entry] ??= buildName(type, color, state));
}
