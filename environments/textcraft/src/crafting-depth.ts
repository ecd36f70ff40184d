// TextCraft's depth of an item: 0 for base items, otherwise the easiest recipe's deepest
// ingredient plus one (a tag counts as its shallowest member). Cycles count as unreachable.
import type { RecipeBook } from './recipe-book.js';

/** The minimum number of crafting levels needed to make `name` from base items (Infinity when impossible). */
export function craftingDepth(book: RecipeBook, name: string, memo = new Map<string, number>()): number {
  const known = memo.get(name);
  if (known !== undefined) return known;
  memo.set(name, Number.POSITIVE_INFINITY); // in progress: a cycle back here is no way to make it
  let depth: number;
  const members = book.membersOf(name);
  if (members !== undefined) {
    depth = Math.min(...members.map((member) => craftingDepth(book, member, memo)));
  } else if (book.isBaseItem(name)) {
    depth = 0;
  } else {
    depth = Number.POSITIVE_INFINITY;
    for (const recipe of book.recipesFor(name)) {
      const deepest = Math.max(...recipe.inputs.map((input) => craftingDepth(book, input.item, memo)));
      depth = Math.min(depth, deepest + 1);
    }
  }
  memo.set(name, depth);
  return depth;
}
