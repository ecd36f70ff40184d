// The agent's four headings as in MiniGrid (0 east, 1 south, 2 west, 3 north; y grows southwards)
// with precomputed unit vectors so the step path does no trigonometry and no allocation.

/** Direction codes. Turning right adds 1 (mod 4), turning left subtracts 1. */
export const Direction = {
  east: 0,
  south: 1,
  west: 2,
  north: 3,
} as const;

/** Names of the directions, indexed by code. */
export const directionNames: readonly string[] = ['east', 'south', 'west', 'north'];

/** x component of the unit vector of each direction. */
export const directionDeltaX: Int8Array = Int8Array.of(1, 0, -1, 0);

/** y component of the unit vector of each direction (south is +y). */
export const directionDeltaY: Int8Array = Int8Array.of(0, 1, 0, -1);
