// The household's action language: ALFWorld's text commands. Any well-formed command is accepted
// (an inadmissible one answers "Nothing happens." and spends a step); malformed text is refused.
import type { ActionSpace, ActionValidation } from '@worldloop/spec';
import { formatHouseholdCommand } from './household-command.js';
import { householdCommandForms, parseHouseholdCommand } from './parse-household-command.js';

const description = [
  'Actions are ALFWorld text commands (case-insensitive; extra spaces and a trailing period are ignored):',
  `${householdCommandForms}.`,
  'X is a receptacle and Y an object, each named by kind and number as the room lists them ("cabinet 3", "mug 1").',
  '"go to X" walks to a receptacle; "open X" / "close X" work on the receptacle you are at (closed ones hide',
  'their contents); "take Y from X" picks up an object you see there (you hold one object at a time);',
  '"put Y in/on X" puts what you hold in or on the receptacle you are at ("put Y in X", "put Y on X" and',
  '"move Y to X" mean the same); "clean Y with X" (a sinkbasin or bathtubbasin), "heat Y with X" (a microwave)',
  'and "cool Y with X" (a fridge) treat the object you hold at that appliance; "use X" switches a lamp where',
  'you are on or off; "examine X" describes a receptacle you are at or an object you see or hold;',
  '"inventory" says what you hold; "look" describes where you are.',
  'A command that is well formed but cannot be done now answers "Nothing happens." and still spends a step.',
  'The observation lists the admissible commands.',
].join(' ');

/** The state-dependent half of the action space, supplied by the environment. */
export interface HouseholdActionChecks {
  /** The admissible commands now (empty before the first reset). */
  validActions(): readonly string[];
}

/** The action space of every household task family. */
export class HouseholdActionSpace implements ActionSpace<string> {
  private readonly checks: HouseholdActionChecks;

  constructor(checks: HouseholdActionChecks) {
    this.checks = checks;
  }

  /** The command language and its rules, for prompts and help text. */
  describe(): string {
    return description;
  }

  /**
   * `{ ok: true, action }` with the canonical command (`"Put the Mug 1 in Fridge 1."` becomes
   * `"put mug 1 in/on fridge 1"`) for any well-formed command, admissible now or not (an
   * inadmissible one is a step that answers "Nothing happens."); otherwise why it is malformed.
   */
  validate(action: unknown): ActionValidation<string> {
    const parsed = parseHouseholdCommand(action);
    return parsed.ok ? { ok: true, action: formatHouseholdCommand(parsed.command) } : { ok: false, reason: parsed.reason };
  }

  /** The admissible commands in the current state. */
  validActions(): readonly string[] {
    return this.checks.validActions();
  }
}
