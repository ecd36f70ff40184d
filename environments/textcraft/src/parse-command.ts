// Parses a TextCraft command: `get <n> <item>`, `craft [<n>] <item> using <n> <item>, <n> <item>`
// or `inventory`. Syntax only: whether the item exists or the recipe is real is the world's business.
import { normalizeItemName } from './item-id.js';
import type { Ingredient } from './recipe.js';

/** A command that parses, with its canonical text. */
export type TextcraftCommand =
  | { readonly kind: 'get'; readonly count: number; readonly item: string; readonly canonical: string }
  | {
      readonly kind: 'craft';
      /** The count written before the output item, when one was (TextCraft ignores it: the recipe decides). */
      readonly outputCount: number | undefined;
      readonly output: string;
      readonly inputs: readonly Ingredient[];
      readonly canonical: string;
    }
  | { readonly kind: 'inventory'; readonly canonical: 'inventory' };

/** A parsed command, or why the text is not one. */
export type ParsedCommand = TextcraftCommand | { readonly kind: 'invalid'; readonly reason: string };

/** Largest count a command may carry. */
export const maximumCommandCount = 10_000;
/** Most ingredients a craft command may list. */
export const maximumIngredients = 9;

const usage = 'use "get <n> <item>" (base items only), "craft <n> <item> using <n> <item>, <n> <item>" or "inventory"';
const getPattern = /^get (\S+) (.+)$/;
const craftPattern = /^craft (.+?) using (.+)$/;
const countedPattern = /^(\d+) (.+)$/;

function invalid(reason: string): ParsedCommand {
  return { kind: 'invalid', reason };
}

function parseCount(text: string, where: string): number | string {
  if (!/^\d+$/.test(text)) return `${where} needs a whole number before the item, got "${text}"; ${usage}`;
  const count = Number(text);
  if (count < 1 || count > maximumCommandCount) return `${where} counts must be from 1 to ${maximumCommandCount}, got ${text}`;
  return count;
}

/** Whether a parsed item name is missing: empty, or only a number (a count with no item after it). */
function missingItem(item: string): boolean {
  return item === '' || /^\d+$/.test(item);
}

/** Trims, lower-cases, collapses whitespace and drops a trailing period or exclamation mark. */
export function normalizeCommand(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '').trim();
}

/** Parses `action`; never throws. */
export function parseCommand(action: unknown): ParsedCommand {
  if (typeof action !== 'string') return invalid(`commands are strings; ${usage}`);
  const text = normalizeCommand(action);
  if (text === 'inventory') return { kind: 'inventory', canonical: 'inventory' };
  const get = getPattern.exec(text);
  if (get) {
    const count = parseCount(get[1]!, 'get');
    if (typeof count === 'string') return invalid(count);
    const item = normalizeItemName(get[2]!);
    if (missingItem(item)) return invalid(`get needs an item after the count; ${usage}`);
    return { kind: 'get', count, item, canonical: `get ${count} ${item}` };
  }
  const craft = craftPattern.exec(text);
  if (craft) {
    let outputCount: number | undefined;
    let output = craft[1]!;
    const counted = countedPattern.exec(output);
    if (counted) {
      const count = parseCount(counted[1]!, 'craft');
      if (typeof count === 'string') return invalid(count);
      outputCount = count;
      output = counted[2]!;
    }
    output = normalizeItemName(output);
    if (missingItem(output)) return invalid(`craft needs the item to make before "using"; ${usage}`);
    const parts = craft[2]!.split(',').map((part) => part.trim());
    if (parts.length > maximumIngredients) return invalid(`craft takes at most ${maximumIngredients} ingredients, got ${parts.length}`);
    const inputs: Ingredient[] = [];
    for (const part of parts) {
      const ingredient = countedPattern.exec(part);
      if (!ingredient) return invalid(`each ingredient is "<n> <item>", got "${part}"; ${usage}`);
      const count = parseCount(ingredient[1]!, 'ingredient');
      if (typeof count === 'string') return invalid(count);
      const item = normalizeItemName(ingredient[2]!);
      if (missingItem(item)) return invalid(`each ingredient is "<n> <item>", got "${part}"; ${usage}`);
      inputs.push({ item, count });
    }
    const canonical = `craft ${outputCount === undefined ? '' : `${outputCount} `}${output} using ${inputs.map((input) => `${input.count} ${input.item}`).join(', ')}`;
    return { kind: 'craft', outputCount, output, inputs, canonical };
  }
  if (text.startsWith('get ') || text === 'get') return invalid(`"get" needs a count and an item, as in "get 1 oak logs"; ${usage}`);
  if (text.startsWith('craft ') || text === 'craft') return invalid(`"craft" needs "using" and counted ingredients, as in "craft 4 oak planks using 1 oak logs"; ${usage}`);
  return invalid(`not a command; ${usage}`);
}
