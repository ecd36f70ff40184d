// The expert's planner: from the current inventory, the gets and crafts that make the goal.
// It picks one recipe per item and one member per tag (preferring what is already held), adds up
// the demand along the tree, gets every missing base item at once, then crafts bottom-up.
import type { Recipe } from './recipe.js';
import type { RecipeBook } from './recipe-book.js';

/** Units held per item name. */
export type Inventory = ReadonlyMap<string, number>;

/**
 * Rough steps to make `name` counting each distinct item once and anything held as free: the
 * measure for choosing among recipes and tag members. Cycles cost Infinity.
 */
function makeCost(book: RecipeBook, name: string, inventory: Inventory, memo: Map<string, number>): number {
  const known = memo.get(name);
  if (known !== undefined) return known;
  memo.set(name, Number.POSITIVE_INFINITY);
  let cost = Number.POSITIVE_INFINITY;
  const members = book.membersOf(name);
  if (members !== undefined) {
    for (const member of members) cost = Math.min(cost, makeCost(book, member, inventory, memo));
  } else if ((inventory.get(name) ?? 0) > 0) {
    cost = 0;
  } else if (book.isBaseItem(name)) {
    cost = 1;
  } else {
    for (const recipe of book.recipesFor(name)) {
      let sum = 1;
      for (const input of recipe.inputs) sum += makeCost(book, input.item, inventory, memo);
      cost = Math.min(cost, sum);
    }
  }
  memo.set(name, cost);
  return cost;
}

/**
 * The commands that craft `goal` from `inventory` in `book` (the first is the expert's next
 * action), or undefined when the goal cannot be made. Never crafts the goal's ingredients more
 * often than needed; leftovers already held are used before anything new is made.
 */
export function planCrafting(book: RecipeBook, goal: string, inventory: Inventory): string[] | undefined {
  const costs = new Map<string, number>();
  const held = (name: string): number => inventory.get(name) ?? 0;

  // Post-order state of the walk below; a tag prefers a member the walk already needs.
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();

  // One member per tag: the most held, then one already needed, then the cheapest, then the first listed.
  const resolved = new Map<string, string>();
  const resolve = (name: string): string => {
    const members = book.membersOf(name);
    if (members === undefined) return name;
    let chosen = resolved.get(name);
    if (chosen === undefined) {
      let best = Number.NEGATIVE_INFINITY;
      for (const member of members) {
        const score = held(member) * 10_000 + (state.get(member) === 'done' ? 1000 : 0) - makeCost(book, member, inventory, costs);
        if (chosen === undefined || score > best) {
          best = score;
          chosen = member;
        }
      }
      resolved.set(name, chosen!);
    }
    return chosen!;
  };

  // One recipe per crafted item: the cheapest, counting ingredients already held in full as free.
  const chosenRecipe = new Map<string, Recipe>();
  const recipeOf = (item: string): Recipe | undefined => {
    let chosen = chosenRecipe.get(item);
    if (chosen !== undefined) return chosen;
    let best = Number.POSITIVE_INFINITY;
    for (const recipe of book.recipesFor(item)) {
      let cost = 0;
      for (const input of recipe.inputs) {
        const member = resolve(input.item);
        cost += held(member) >= input.count ? 0 : makeCost(book, member, inventory, costs);
      }
      if (chosen === undefined || cost < best) {
        best = cost;
        chosen = recipe;
      }
    }
    if (chosen !== undefined) chosenRecipe.set(item, chosen);
    return chosen;
  };

  // Post-order over the chosen recipes: ingredients before what they make; plain items before tags.
  const visit = (item: string): boolean => {
    const seen = state.get(item);
    if (seen === 'done') return true;
    if (seen === 'open') return false; // a cycle: this choice cannot make the item
    state.set(item, 'open');
    if (!book.isBaseItem(item)) {
      const recipe = recipeOf(item);
      if (recipe === undefined) return false;
      for (const input of recipe.inputs) if (!book.isTag(input.item) && !visit(input.item)) return false;
      for (const input of recipe.inputs) if (book.isTag(input.item) && !visit(resolve(input.item))) return false;
    }
    state.set(item, 'done');
    order.push(item);
    return true;
  };
  if (book.isBaseItem(goal) || !visit(goal)) return undefined;

  // Demand, parents first; crafts per item; base items to get.
  const demand = new Map<string, number>([[goal, 1]]);
  const crafts = new Map<string, number>();
  const gets: string[] = [];
  for (let index = order.length - 1; index >= 0; index--) {
    const item = order[index]!;
    const missing = Math.max(0, (demand.get(item) ?? 0) - held(item));
    if (missing === 0) continue;
    if (book.isBaseItem(item)) {
      gets.push(`get ${missing} ${item}`);
      continue;
    }
    const recipe = chosenRecipe.get(item)!;
    const times = Math.ceil(missing / recipe.outputCount);
    crafts.set(item, times);
    for (const input of recipe.inputs) {
      const member = resolve(input.item);
      demand.set(member, (demand.get(member) ?? 0) + times * input.count);
    }
  }
  const commands = gets.reverse();
  for (const item of order) {
    const times = crafts.get(item);
    if (times === undefined) continue;
    const recipe = chosenRecipe.get(item)!;
    const command = `craft ${recipe.outputCount} ${item} using ${recipe.inputs.map((input) => `${input.count} ${resolve(input.item)}`).join(', ')}`;
    for (let time = 0; time < times; time++) commands.push(command);
  }
  return commands;
}
