// What a household environment shows after a reset or a step: ALFWorld's feedback text, the task,
// the admissible commands, and discrete features for tabular world models.
import type { Observation } from '@worldloop/spec';

/**
 * A household observation. `text` is ALFWorld's feedback for the step (the room overview and
 * task after a reset); `validActions` are the admissible commands, grouped by verb;
 * `features` hold the location and its open state, the visible objects, what is held and its
 * state (clean, hot, cool), whether a lamp is on here, and `goalProgress` (objects already in
 * place, 0..2; for look-at-in-light 1 once the goal holds).
 */
export interface HouseholdObservation extends Observation {
  readonly text: string;
  /** The task, ALFWorld's words (`put a clean mug in coffeemachine.`). */
  readonly mission: string;
  readonly validActions: readonly string[];
  readonly features: Readonly<Record<string, string | number | boolean>>;
}
