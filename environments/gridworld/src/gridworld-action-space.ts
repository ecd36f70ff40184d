// The gridworld's action language: seven MiniGrid primitives plus text commands planned into
// primitives. Describes itself and the map legend for prompts; checks defer to the environment's state.
import type { ActionSpace, ActionValidation } from '@worldloop/spec';
import { primitiveActionNames } from './primitive-action.js';
import { mapLegend } from './render-map.js';

/** The state-dependent half of the action space, supplied by the environment. */
export interface GridworldActionChecks {
  /** Normalises and checks an action against the current state without changing it. */
  validate(action: unknown): ActionValidation<string>;
  /** Primitives plus the text commands feasible now (empty before the first reset). */
  validActions(): readonly string[];
}

const description = [
  'Actions are strings (case-insensitive; extra spaces and a trailing period are ignored).',
  'Primitive actions take one step each: "left" / "right" turn 90 degrees; "forward" moves one cell',
  '(a wall, a closed or locked door or an object in front blocks it, and the step is still spent);',
  '"pickup" picks up the key, ball or box in front when your hands are empty; "drop" puts what you',
  'carry on the free floor cell in front; "toggle" opens or closes the door in front, and unlocks a',
  'locked door when you carry a key of its colour; "done" does nothing but spends a step.',
  'Text commands are planned for you into primitive actions, each counting as a step:',
  '"go to the <colour> <type>" (ends facing it; closed doors on the way are opened),',
  '"pick up the <colour> <type>", "open the <colour> door" (unlocks it if you carry its key),',
  '"unlock the <colour> door", "put down the <colour> <type>" (on a free cell next to you).',
  'They work on objects and doors you have seen this episode, along cells you have seen; the colour',
  'may be left out to mean the nearest one. Colours: red, green, blue, purple, yellow, grey.',
  'Types: key, ball, box, door. You can carry one object at a time.',
  'Observations may include a map of the whole grid, two characters per cell.',
  mapLegend,
].join(' ');

/** The action space of every gridworld task. */
export class GridworldActionSpace implements ActionSpace<string> {
  private readonly checks: GridworldActionChecks;

  constructor(checks: GridworldActionChecks) {
    this.checks = checks;
  }

  /** Both kinds of action and the legend of the observation map, for prompts and help text. */
  describe(): string {
    return description;
  }

  /**
   * `{ ok: true, action }` with the canonical form (`"Go to a Red ball."` becomes
   * `"go to the red ball"`) when the action parses and can be carried out now; otherwise why not.
   */
  validate(action: unknown): ActionValidation<string> {
    return this.checks.validate(action);
  }

  /** The seven primitives (always accepted) and the text commands feasible in the current state. */
  validActions(): readonly string[] {
    return this.checks.validActions();
  }

  /** The seven primitives, each one step, accepted in every state. */
  primitiveActions(): readonly string[] {
    return primitiveActionNames;
  }
}
