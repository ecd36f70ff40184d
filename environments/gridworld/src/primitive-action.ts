// The seven MiniGrid primitive actions, their codes (MiniGrid order) and their names.

/** Primitive action codes. */
export const PrimitiveAction = {
  left: 0,
  right: 1,
  forward: 2,
  pickup: 3,
  drop: 4,
  toggle: 5,
  done: 6,
} as const;

/** A primitive action as the string an agent sends. */
export type PrimitiveActionName = 'left' | 'right' | 'forward' | 'pickup' | 'drop' | 'toggle' | 'done';

/** Names of the primitive actions, indexed by code. */
export const primitiveActionNames: readonly PrimitiveActionName[] = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'];

/**
 * The code of an exact primitive action name, or -1. A switch over string constants keeps the
 * hot step path free of allocation; aliases and case variants go through `parseAction` instead.
 */
export function primitiveActionCode(action: string): number {
  switch (action) {
    case 'left':
      return 0;
    case 'right':
      return 1;
    case 'forward':
      return 2;
    case 'pickup':
      return 3;
    case 'drop':
      return 4;
    case 'toggle':
      return 5;
    case 'done':
      return 6;
    default:
      return -1;
  }
}
