// A crafting recipe: what it makes, how many, from which ingredients. An ingredient names an item
// or a tag (a group such as "planks" that any of its member items satisfies).

/** An ingredient of a recipe: an item or a tag name, and how many of it one craft consumes. */
export interface Ingredient {
  /** Item name (`oak planks`) or tag name (`planks`, satisfied by any member item). */
  readonly item: string;
  /** Units one craft consumes (at least 1). */
  readonly count: number;
}

/** One way to craft an item. Crafting consumes exactly `inputs` and yields `outputCount` of `output`. */
export interface Recipe {
  /** Name of the crafted item. */
  readonly output: string;
  /** Units one craft yields (at least 1). */
  readonly outputCount: number;
  /** Ingredients, distinct names, in the order the command lists them. */
  readonly inputs: readonly Ingredient[];
}

/** The command that crafts with `recipe`, as TextCraft lists it: `craft 4 oak planks using 1 oak logs`. */
export function recipeCommand(recipe: Recipe): string {
  return `craft ${recipe.outputCount} ${recipe.output} using ${recipe.inputs.map((input) => `${input.count} ${input.item}`).join(', ')}`;
}
