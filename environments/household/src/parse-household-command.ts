// Parses command text into a HouseholdCommand: syntax only (whether it does anything is the
// world's business). Case, extra spaces, a trailing period and "the", "a" or "an" before names are forgiven.
import type { HouseholdCommand } from './household-command.js';

/** A parsed command, or why the text is not one. */
export type ParsedHouseholdCommand =
  | { readonly ok: true; readonly command: HouseholdCommand }
  | { readonly ok: false; readonly reason: string };

const name = '(?:(?:the|an|a) )?([a-z]+ \\d+)';
const single = new RegExp(`^(go to|goto|open|close|examine|use) ${name}$`);
const paired = new RegExp(`^(take|put|move|clean|heat|cool) ${name} (from|in/on|in|on|into|onto|to|with|using) ${name}$`);
const joinerOf: Readonly<Record<string, readonly string[]>> = {
  take: ['from'],
  put: ['in/on', 'in', 'on', 'into', 'onto'],
  move: ['to'],
  clean: ['with', 'using'],
  heat: ['with', 'using'],
  cool: ['with', 'using'],
};
const verbWords = /^(go to|goto|open|close|examine|use|take|put|move|clean|heat|cool)\b/;

/** The command forms, for error messages and help. */
export const householdCommandForms =
  '"go to X", "open X", "close X", "take Y from X", "put Y in/on X", "clean Y with X", "heat Y with X", "cool Y with X", "use X", "examine X", "inventory", "look"';

/** Trims, lower-cases, collapses whitespace and drops a trailing period or exclamation mark. */
export function normalizeHouseholdCommand(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '').trim();
}

/**
 * Parses `text`. Names must be a kind and a number (`cabinet 3`, `mug 1`); names of things
 * that are not in the room still parse. `move Y to X` (newer ALFWorld) and `put Y in X` /
 * `put Y on X` become `put Y in/on X`.
 */
export function parseHouseholdCommand(text: unknown): ParsedHouseholdCommand {
  if (typeof text !== 'string') return { ok: false, reason: `commands are strings such as ${householdCommandForms}` };
  const normalized = normalizeHouseholdCommand(text);
  if (normalized === 'inventory' || normalized === 'i') return { ok: true, command: { verb: 'inventory' } };
  if (normalized === 'look') return { ok: true, command: { verb: 'look' } };
  const one = single.exec(normalized);
  if (one) {
    const verb = one[1] === 'goto' ? 'go to' : (one[1] as 'go to' | 'open' | 'close' | 'examine' | 'use');
    return { ok: true, command: { verb, target: one[2]! } };
  }
  const two = paired.exec(normalized);
  if (two) {
    const joiners = joinerOf[two[1]!]!;
    if (!joiners.includes(two[3]!)) {
      const words = joiners.map((joiner) => `"${joiner}"`).join(' or ');
      return { ok: false, reason: `"${two[1]}" joins its names with ${words}, not "${two[3]}": "${two[1]} Y ${joiners[0]} X"; the forms are ${householdCommandForms}` };
    }
    const verb = two[1] === 'move' ? 'put' : (two[1] as 'take' | 'put' | 'clean' | 'heat' | 'cool');
    return { ok: true, command: { verb, object: two[2]!, receptacle: two[4]! } };
  }
  if (verbWords.test(normalized)) {
    return {
      ok: false,
      reason: `name receptacles and objects by kind and number as the room lists them ("fridge 1", "mug 2"), in one of the forms ${householdCommandForms}`,
    };
  }
  return { ok: false, reason: `not a household command; use one of ${householdCommandForms}` };
}
