// Names a grid cell's contents in words for observations: "a locked yellow door", "a red ball".
import { colorNames } from './color.js';
import { doorStateNames } from './door-state.js';
import type { GridLayers } from './grid-layers.js';
import { ObjectType, objectTypeNames } from './object-type.js';

/** The contents of cell `index` with an indefinite article: `a wall`, `free floor`, `an open red door`. */
export function cellName(layers: GridLayers, index: number): string {
  const type = layers.types[index]!;
  if (type === ObjectType.empty) return 'free floor';
  if (type === ObjectType.wall) return 'a wall';
  if (type === ObjectType.goal) return 'the goal';
  const color = colorNames[layers.colors[index]!]!;
  if (type === ObjectType.door) {
    const state = doorStateNames[layers.states[index]!]!;
    return `${state === 'open' ? 'an' : 'a'} ${state} ${color} door`;
  }
  return `a ${color} ${objectTypeNames[type]}`;
}
