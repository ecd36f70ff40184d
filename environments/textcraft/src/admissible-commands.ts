// The commands an observation lists as valid: `inventory`, a `get` for every base item the listed
// recipes use (in the quantity one craft takes), and every listed recipe the inventory can pay for
// now, with tags filled in by the held members. Others are accepted too (they fail with a message).
import type { Inventory } from './plan-crafting.js';
import type { Recipe } from './recipe.js';
import type { RecipeBook } from './recipe-book.js';

/** Most concrete forms of one recipe listed (tags with several held members multiply). */
const maximumFormsPerRecipe = 8;

/** The `get` commands for the base items `recipes` use, deduplicated, in order of first use. */
export function getCommands(book: RecipeBook, recipes: readonly Recipe[]): string[] {
  const commands = new Set<string>();
  for (const recipe of recipes) {
    for (const input of recipe.inputs) {
      for (const item of book.membersOf(input.item) ?? [input.item]) {
        if (book.isBaseItem(item)) commands.add(`get ${input.count} ${item}`);
      }
    }
  }
  return [...commands];
}

/** The craft commands among `recipes` that `inventory` can pay for now. */
export function affordableCrafts(book: RecipeBook, recipes: readonly Recipe[], inventory: Inventory): string[] {
  const commands: string[] = [];
  for (const recipe of recipes) {
    let forms: string[] = [''];
    for (const input of recipe.inputs) {
      const members = book.membersOf(input.item) ?? [input.item];
      const next: string[] = [];
      for (const member of members) {
        if ((inventory.get(member) ?? 0) < input.count) continue;
        for (const form of forms) if (next.length < maximumFormsPerRecipe) next.push(`${form}${form === '' ? '' : ', '}${input.count} ${member}`);
      }
      forms = next;
      if (forms.length === 0) break;
    }
    for (const form of forms) commands.push(`craft ${recipe.outputCount} ${recipe.output} using ${form}`);
  }
  return commands;
}
