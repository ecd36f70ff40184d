// Door states, as codes stored in the grid's per-cell Uint8Array state layer (MiniGrid's encoding).

/** Door state codes. Only open doors can be walked through or seen through. */
export const DoorState = {
  open: 0,
  closed: 1,
  locked: 2,
} as const;

/** Names of the door states, indexed by code. */
export const doorStateNames: readonly string[] = ['open', 'closed', 'locked'];
