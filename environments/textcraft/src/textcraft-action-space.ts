// TextCraft's action language: get base items, craft from recipes, look at the inventory.
// Validation is syntax only: a well-formed command that cannot succeed is still a step (it fails with a message).
import type { ActionSpace, ActionValidation } from '@worldloop/spec';
import { parseCommand } from './parse-command.js';

const description = [
  'Actions are TextCraft commands (case-insensitive; extra spaces and a trailing period are ignored).',
  '"get <n> <item>" takes n units of a base item (one no recipe makes), e.g. "get 1 oak logs".',
  '"craft <n> <item> using <n> <item>, <n> <item>" crafts once with one of the listed crafting commands',
  'and yields the number that command names, e.g. "craft 4 oak planks using 1 oak logs". The ingredients',
  'and their counts must match the recipe exactly, in any order. An ingredient that names a group',
  '(such as "planks") must be given as one specific member you hold, e.g. "4 oak planks".',
  '"inventory" lists what you hold. A command that cannot be carried out (an item that cannot be got,',
  'missing ingredients, no such recipe) spends a step and replies why, as TextCraft does.',
  'Crafting the goal item ends the episode with reward 1.',
].join(' ');

/** The action space of every TextCraft environment. */
export class TextcraftActionSpace implements ActionSpace<string> {
  private readonly listValidActions: () => readonly string[];

  /** `validActions` supplies the current state's valid actions (empty before the first reset). */
  constructor(validActions: () => readonly string[]) {
    this.listValidActions = validActions;
  }

  /** The three commands, their syntax and what failure costs, for prompts and help text. */
  describe(): string {
    return description;
  }

  /** `{ ok: true, action }` with the canonical text when `action` is a well-formed command; otherwise why not. */
  validate(action: unknown): ActionValidation<string> {
    const parsed = parseCommand(action);
    return parsed.kind === 'invalid' ? { ok: false, reason: parsed.reason } : { ok: true, action: parsed.canonical };
  }

  /** `inventory`, the gets of the listed recipes' base items and the listed crafts affordable now. */
  validActions(): readonly string[] {
    return this.listValidActions();
  }
}
