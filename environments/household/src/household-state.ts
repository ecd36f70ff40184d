// The whole state of a household episode as plain JSON data: receptacles, objects, where the
// agent stands, what it holds, and the goal. Snapshots copy it as it is.
import type { ApplianceRole } from './receptacle-kinds.js';
import type { HouseholdTaskName } from './household-task-families.js';
import type { SceneName } from './scene-templates.js';

/** Where an object is when the agent holds it (`HouseholdObject.at`), and where the agent is when at no receptacle. */
export const nowhere = -1;

/** One receptacle of the room (`cabinet 3`). */
export interface HouseholdReceptacle {
  /** `<kind> <number>`, as commands name it. */
  readonly name: string;
  readonly kind: string;
  /** Open now (always false for kinds that do not open). */
  opened: boolean;
}

/** One object of the room (`mug 1`), with its state. */
export interface HouseholdObject {
  /** `<kind> <number>`, as commands name it. */
  readonly name: string;
  readonly kind: string;
  /** Index of the receptacle it is in or on (or stands next to), `nowhere` when held. */
  at: number;
  /** Stands next to its receptacle rather than in or on it (floor lamps). */
  readonly beside: boolean;
  clean: boolean;
  hot: boolean;
  cool: boolean;
  /** Switched on (lamps). */
  on: boolean;
}

/** What the task asks, in terms the success check and the expert read. */
export interface HouseholdGoal {
  readonly task: HouseholdTaskName;
  /** The kind of object to move or look at (`mug`). */
  readonly objectKind: string;
  /** The kind of receptacle to put it in (`coffeemachine`); absent for look-at-in-light. */
  readonly receptacleKind?: string;
  /** The lamp kind to look under (`desklamp`); look-at-in-light only. */
  readonly lampKind?: string;
  /** How many distinct objects must end in one receptacle of that kind (2 for pick-two). */
  readonly count: number;
  /** The state the object must be in when put there. */
  readonly condition?: ApplianceRole;
}

/** A household level and its progress: everything `step` reads and changes. */
export interface HouseholdState {
  readonly scene: SceneName;
  /** Sorted by kind, then number. */
  readonly receptacles: HouseholdReceptacle[];
  readonly objects: HouseholdObject[];
  /** Index of the receptacle the agent is at, `nowhere` in the middle of the room. */
  agentAt: number;
  /** Index of the object in the agent's hands, `nowhere` when empty-handed. */
  held: number;
  readonly goal: HouseholdGoal;
  /** The task in ALFWorld's words, ending with a period: `put a clean mug in coffeemachine.` */
  readonly mission: string;
}
