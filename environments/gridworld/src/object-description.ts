// A description of objects in words, like BabyAI's ObjDesc: a type and optionally a colour.
// "the red ball" matches every red ball; "the ball" matches any ball.
import { colorNames } from './color.js';
import type { GridLayers } from './grid-layers.js';
import { objectTypeNames } from './object-type.js';

/** A type and an optional colour (`color` -1 means any colour). */
export interface ObjectDescription {
  /** `ObjectType` code. */
  readonly type: number;
  /** `Color` code, or -1 for any colour. */
  readonly color: number;
}

/** Whether grid cell `index` holds an object matching `description`. */
export function matchesDescription(layers: GridLayers, index: number, description: ObjectDescription): boolean {
  return layers.types[index] === description.type && (description.color < 0 || layers.colors[index] === description.color);
}

/** The description in words without an article: `red ball`, `door`. */
export function describeObject(description: ObjectDescription): string {
  const type = objectTypeNames[description.type]!;
  return description.color < 0 ? type : `${colorNames[description.color]} ${type}`;
}
