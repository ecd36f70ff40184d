// Chooses the crafting commands an observation lists, as TextCraft does: every recipe of the
// goal's tree (alternatives and all members of tags included) plus a few distractor recipes that
// use the tree's items to make something else, shuffled by the seeded generator.
import { recipeCommand, type Recipe } from './recipe.js';
import type { RecipeBook } from './recipe-book.js';
import type { SeededRandom } from './seeded-random.js';

/** The recipes of `goal`'s tree: every recipe reachable from it through ingredients and tag members. */
export function recipeTree(book: RecipeBook, goal: string): { readonly recipes: Recipe[]; readonly names: Set<string> } {
  const names = new Set<string>();
  const recipes: Recipe[] = [];
  const pending = [goal];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (names.has(name)) continue;
    names.add(name);
    for (const member of book.membersOf(name) ?? []) pending.push(member);
    for (const recipe of book.recipesFor(name)) {
      recipes.push(recipe);
      for (const input of recipe.inputs) pending.push(input.item);
    }
  }
  return { recipes, names };
}

/**
 * The commands to show for `goal`: its tree's recipes plus up to `distractorCount` recipes outside
 * the tree that take one of the tree's items or tags, in an order drawn from `random`.
 */
export function listCraftingCommands(book: RecipeBook, goal: string, random: SeededRandom, distractorCount: number): string[] {
  const tree = recipeTree(book, goal);
  const inTree = new Set(tree.recipes);
  const usesTree = (name: string): boolean => tree.names.has(name) || (book.membersOf(name)?.some((member) => tree.names.has(member)) ?? false);
  const candidates = book.data.recipes.filter(
    (recipe) => !inTree.has(recipe) && !tree.names.has(recipe.output) && recipe.inputs.some((input) => usesTree(input.item)),
  );
  const distractors = random.shuffled(candidates).slice(0, distractorCount);
  const commands = [...new Set([...tree.recipes, ...distractors].map(recipeCommand))];
  return random.shuffled(commands);
}
