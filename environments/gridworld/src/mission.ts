// The task of an episode in language and as data, as BabyAI's GoTo / Pickup / Open instructions.
import { describeObject, type ObjectDescription } from './object-description.js';

/** What the mission asks: face the object, pick it up, or open the door. */
export type MissionKind = 'go-to' | 'pick-up' | 'open';

/**
 * A mission. Success (as BabyAI verifies it): `go-to` when a matching object is in the cell in
 * front of the agent after any step; `pick-up` when a pickup leaves a matching object in the hands;
 * `open` when a toggle leaves a matching door in front open.
 */
export interface Mission {
  readonly kind: MissionKind;
  readonly target: ObjectDescription;
  /** The mission in words: `go to the red ball`. */
  readonly text: string;
}

/** The verb that opens a mission of each kind in words (`pick up` for `pick-up`). */
export const missionVerbs: Readonly<Record<MissionKind, string>> = { 'go-to': 'go to', 'pick-up': 'pick up', open: 'open' };

/** The mission of a kind for a target, worded as BabyAI words it (`pick up the red ball`). */
export function missionFor(kind: MissionKind, target: ObjectDescription): Mission {
  return { kind, target, text: `${missionVerbs[kind]} the ${describeObject(target)}` };
}
