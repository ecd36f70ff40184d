// Parses an action string: a primitive (or an alias such as "turn left") or a text command such as
// "go to the red ball". Case-insensitive; extra whitespace, articles and a trailing period are fine.
import { colorNames } from './color.js';
import type { ObjectDescription } from './object-description.js';
import { describeObject } from './object-description.js';
import { ObjectType, objectTypeNames } from './object-type.js';
import { primitiveActionNames } from './primitive-action.js';

/** The verbs of text commands, in canonical form. */
export type CommandVerb = 'go to' | 'pick up' | 'open' | 'unlock' | 'put down';

/** A parsed action: a primitive, a text command, or the reason it is not an action. */
export type ParsedAction =
  | { readonly kind: 'primitive'; readonly code: number; readonly canonical: string }
  | { readonly kind: 'command'; readonly verb: CommandVerb; readonly target: ObjectDescription; readonly canonical: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const primitiveAliases = new Map<string, number>([
  ['left', 0],
  ['turn left', 0],
  ['right', 1],
  ['turn right', 1],
  ['forward', 2],
  ['move forward', 2],
  ['go forward', 2],
  ['pickup', 3],
  ['pick up', 3],
  ['drop', 4],
  ['put down', 4],
  ['toggle', 5],
  ['done', 6],
]);

const verbs = new Map<string, CommandVerb>([
  ['go to', 'go to'],
  ['goto', 'go to'],
  ['pick up', 'pick up'],
  ['pickup', 'pick up'],
  ['open', 'open'],
  ['unlock', 'unlock'],
  ['put down', 'put down'],
  ['drop', 'put down'],
]);

const commandPattern = /^(go to|goto|pick up|pickup|open|unlock|put down|drop) (?:(?:the|a|an) )?(?:([a-z]+) )?([a-z]+)$/;
const typeWords = new Map<string, number>([
  ['key', ObjectType.key],
  ['ball', ObjectType.ball],
  ['box', ObjectType.box],
  ['door', ObjectType.door],
  ['goal', ObjectType.goal],
]);
const colorWords = new Map<string, number>([...colorNames.map((name, code) => [name, code] as const), ['gray', 5]]);

/** Trims, lower-cases, collapses whitespace and drops trailing periods or exclamation marks. */
export function normalizeAction(action: string): string {
  return action.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '').trim();
}

const help = `expected a primitive (${primitiveActionNames.join(', ')}) or a command like "go to the red ball", "pick up the blue key", "open the yellow door", "put down the key"`;

/** Parses syntax only; whether the action is feasible now is the planner's business. */
export function parseAction(action: unknown): ParsedAction {
  if (typeof action !== 'string') return { kind: 'invalid', reason: `actions are strings; ${help}` };
  const text = normalizeAction(action);
  const code = primitiveAliases.get(text);
  if (code !== undefined) return { kind: 'primitive', code, canonical: primitiveActionNames[code]! };
  const match = commandPattern.exec(text);
  if (!match) return { kind: 'invalid', reason: `not an action; ${help}` };
  const verb = verbs.get(match[1]!)!;
  const colorWord = match[2];
  const typeWord = match[3]!;
  const type = typeWords.get(typeWord);
  if (type === undefined) return { kind: 'invalid', reason: `"${typeWord}" is not an object type here; use key, ball, box or door` };
  let color = -1;
  if (colorWord !== undefined) {
    const code = colorWords.get(colorWord);
    if (code === undefined) return { kind: 'invalid', reason: `"${colorWord}" is not a colour; use ${colorNames.join(', ')}` };
    color = code;
  }
  const pickable = type === ObjectType.key || type === ObjectType.ball || type === ObjectType.box;
  if ((verb === 'pick up' || verb === 'put down') && !pickable) {
    return { kind: 'invalid', reason: `only keys, balls and boxes can be ${verb === 'pick up' ? 'picked up' : 'put down'}, not a ${objectTypeNames[type]}` };
  }
  if ((verb === 'open' || verb === 'unlock') && type !== ObjectType.door) {
    return { kind: 'invalid', reason: `only doors can be ${verb === 'open' ? 'opened' : 'unlocked'}` };
  }
  const target = { type, color };
  return { kind: 'command', verb, target, canonical: `${verb} the ${describeObject(target)}` };
}
