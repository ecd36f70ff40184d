// Codes of what can occupy a grid cell, stored in the grid's per-cell Uint8Array type layer.
// The agent is not a cell object: its position lives beside the grid.

/** Object type codes. `empty` is walkable floor; keys, balls and boxes can be carried. */
export const ObjectType = {
  empty: 0,
  wall: 1,
  door: 2,
  key: 3,
  ball: 4,
  box: 5,
  goal: 6,
} as const;

/** One of the `ObjectType` codes. */
export type ObjectTypeCode = (typeof ObjectType)[keyof typeof ObjectType];

/** Names of the object types, indexed by code (`objectTypeNames[ObjectType.ball] === 'ball'`). */
export const objectTypeNames: readonly string[] = ['empty', 'wall', 'door', 'key', 'ball', 'box', 'goal'];

/** Whether an object of this type can be picked up (keys, balls and boxes, as in MiniGrid). */
export function isPickable(type: number): boolean {
  return type === ObjectType.key || type === ObjectType.ball || type === ObjectType.box;
}
