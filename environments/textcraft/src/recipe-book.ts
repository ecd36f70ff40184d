// The crafting rules of one world: its recipes and tags, indexed for the environment, the expert
// and the command lister. Immutable once built; `data` is the JSON form snapshots carry.
import type { Ingredient, Recipe } from './recipe.js';

/** The JSON form of a recipe book: recipes and tags (tag name to member item names). */
export interface RecipeBookData {
  readonly recipes: readonly Recipe[];
  /** Groups of interchangeable items: a recipe asking for `4 planks` takes 4 of any one member. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

const noRecipes: readonly Recipe[] = [];

/**
 * The recipes and tags of a world. Base items are the known items that no recipe makes: they are
 * the only ones `get` hands out. Tags are never items: they only appear as ingredients.
 */
export class RecipeBook {
  /** The data the book was built from (shared, not copied). */
  readonly data: RecipeBookData;
  private readonly byOutput = new Map<string, Recipe[]>();
  private readonly tagMembers = new Map<string, readonly string[]>();
  private readonly items = new Set<string>();

  constructor(data: RecipeBookData) {
    this.data = data;
    for (const [tag, members] of Object.entries(data.tags)) {
      this.tagMembers.set(tag, members);
      for (const member of members) this.items.add(member);
    }
    for (const recipe of data.recipes) {
      const list = this.byOutput.get(recipe.output);
      if (list === undefined) this.byOutput.set(recipe.output, [recipe]);
      else list.push(recipe);
      this.items.add(recipe.output);
      for (const input of recipe.inputs) if (!this.tagMembers.has(input.item)) this.items.add(input.item);
    }
  }

  /** The recipes that make `item` (empty for base items, tags and unknown names). */
  recipesFor(item: string): readonly Recipe[] {
    return this.byOutput.get(item) ?? noRecipes;
  }

  /** The member items of `tag`, or undefined when `tag` is not a tag. */
  membersOf(tag: string): readonly string[] | undefined {
    return this.tagMembers.get(tag);
  }

  /** Whether `name` is a tag (a group of items, never an item itself). */
  isTag(name: string): boolean {
    return this.tagMembers.has(name);
  }

  /** Whether `name` is an item of this world (base or crafted; tags excluded). */
  isItem(name: string): boolean {
    return this.items.has(name) && !this.tagMembers.has(name);
  }

  /** Whether `name` is an item no recipe makes, the kind `get` hands out. */
  isBaseItem(name: string): boolean {
    return this.isItem(name) && !this.byOutput.has(name);
  }

  /** Whether `item` satisfies an ingredient named `ingredient` (the same item, or a member of that tag). */
  satisfies(ingredient: string, item: string): boolean {
    if (ingredient === item) return true;
    const members = this.tagMembers.get(ingredient);
    return members !== undefined && members.includes(item);
  }

  /**
   * The recipe for `output` whose ingredients match `inputs` one to one with equal counts (tags
   * matched by any member), or undefined. The order of `inputs` does not matter.
   */
  findRecipe(output: string, inputs: readonly Ingredient[]): Recipe | undefined {
    for (const recipe of this.recipesFor(output)) {
      if (recipe.inputs.length === inputs.length && this.matches(recipe.inputs, inputs, 0, 0)) return recipe;
    }
    return undefined;
  }

  /** Backtracking one-to-one matching of recipe ingredients to given ingredients (`used` is a bit set). */
  private matches(wanted: readonly Ingredient[], given: readonly Ingredient[], index: number, used: number): boolean {
    if (index === wanted.length) return true;
    const ingredient = wanted[index]!;
    for (let candidate = 0; candidate < given.length; candidate++) {
      if ((used & (1 << candidate)) !== 0) continue;
      const offered = given[candidate]!;
      if (offered.count !== ingredient.count || !this.satisfies(ingredient.item, offered.item)) continue;
      if (this.matches(wanted, given, index + 1, used | (1 << candidate))) return true;
    }
    return false;
  }
}
