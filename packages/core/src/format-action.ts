// Actions as text, the way steps, events and memories record them.

/** Actions are recorded as text: strings as they are, anything else as JSON. */
export function formatAction(action: unknown): string {
  return typeof action === 'string' ? action : JSON.stringify(action);
}
