// Generates a world from a seed: a recipe tree whose goal has exactly the requested depth, with
// alternative recipes, tags (any member will do) and distractor recipes, named from the vocabulary.
// Trees whose expert plan would exceed `maximumPlanSteps` are drawn again (same generator, so still deterministic).
import type { CraftingTask } from './crafting-task.js';
import { itemVocabulary, type BaseTagWords } from './item-vocabulary.js';
import { listCraftingCommands } from './list-crafting-commands.js';
import { planCrafting } from './plan-crafting.js';
import type { Ingredient, Recipe } from './recipe.js';
import { RecipeBook } from './recipe-book.js';
import type { SeededRandom } from './seeded-random.js';

/** Options of `generateCraftingTask`. */
export interface GenerateCraftingTaskOptions {
  /** Crafting levels between base items and the goal (1 or more). */
  readonly depth: number;
  /** Distractor recipes to add: other items made from the tree's items (0 or more). */
  readonly distractors: number;
  /** Longest expert plan (gets and crafts from an empty inventory) a generated task may need. */
  readonly maximumPlanSteps: number;
}

const goalOutputCounts = [1, 1, 1, 2, 3, 4];
const outputCounts = [1, 1, 2, 2, 3, 4, 4, 6, 8];
const maximumAttempts = 1000;

/** Builds one world's recipes and tags, drawing names without repeats. */
class WorldBuilder {
  readonly recipes: Recipe[] = [];
  readonly tags: Record<string, string[]> = {};
  private readonly random: SeededRandom;
  private readonly names = new Set<string>();
  /** Nouns of crafted items; a tag's noun may name nothing but the tag's members. */
  private readonly nouns = new Set<string>();
  private readonly tagNouns = new Set<string>();
  private readonly baseItems: string[] = [];
  private readonly basePool: string[];
  private readonly baseTagPool: BaseTagWords[];

  constructor(random: SeededRandom) {
    this.random = random;
    this.basePool = random.shuffled(itemVocabulary.baseItems);
    this.baseTagPool = random.shuffled(itemVocabulary.baseTags);
  }

  /** A fresh crafted item name, `<adjective> <noun>`, with `noun` when given (a tag member). */
  craftedName(noun?: string): string {
    for (;;) {
      const chosenNoun = noun ?? this.random.pick(itemVocabulary.nouns);
      if (noun === undefined && this.tagNouns.has(chosenNoun)) continue;
      const name = `${this.random.pick(itemVocabulary.adjectives)} ${chosenNoun}`;
      if (this.names.has(name)) continue;
      this.names.add(name);
      this.nouns.add(chosenNoun);
      return name;
    }
  }

  /** A crafted item at exactly `level` with its recipes; returns its name. */
  craftedItem(level: number, outputCount: number, name = this.craftedName()): string {
    const inputs: Ingredient[] = [];
    const add = (ingredient: Ingredient): void => {
      if (!inputs.some((input) => input.item === ingredient.item)) inputs.push(ingredient);
    };
    add(level === 1 ? this.baseIngredient(inputs) : this.craftedIngredient(level - 1));
    const extras = this.random.between(0, 2);
    for (let extra = 0; extra < extras; extra++) {
      add(level >= 2 && this.random.chance(0.3) ? this.craftedIngredient(this.random.between(1, level - 1)) : this.baseIngredient(inputs));
    }
    const ordered = this.random.shuffled(inputs);
    this.recipes.push({ output: name, outputCount, inputs: ordered });
    // An alternative recipe: the same but for one base ingredient swapped for another.
    const swappable = ordered.filter((input) => this.isPlainBase(input.item));
    if (swappable.length > 0 && this.random.chance(0.25)) {
      const swapped = this.random.pick(swappable);
      const replacement = this.freshBaseItem(ordered);
      if (replacement !== undefined) {
        this.recipes.push({
          output: name,
          outputCount,
          inputs: ordered.map((input) => (input === swapped ? { item: replacement, count: input.count } : input)),
        });
      }
    }
    return name;
  }

  /** A base ingredient: a base tag now and then, else a base item (reused from this world or new). */
  private baseIngredient(taken: readonly Ingredient[]): Ingredient {
    const count = this.random.pick([1, 1, 1, 2, 2, 3, 4]);
    if (this.baseTagPool.length > 0 && this.random.chance(0.15)) {
      const words = this.baseTagPool.pop()!;
      this.tags[words.tag] = words.members.slice(0, this.random.between(2, words.members.length));
      return { item: words.tag, count };
    }
    const reusable = this.baseItems.filter((item) => !taken.some((input) => input.item === item));
    const item = reusable.length > 0 && this.random.chance(0.4) ? this.random.pick(reusable) : (this.freshBaseItem(taken) ?? this.random.pick(reusable));
    return { item, count };
  }

  private freshBaseItem(taken: readonly Ingredient[]): string | undefined {
    while (this.basePool.length > 0) {
      const item = this.basePool.pop()!;
      if (taken.some((input) => input.item === item)) continue;
      this.baseItems.push(item);
      return item;
    }
    return undefined;
  }

  private isPlainBase(name: string): boolean {
    return this.baseItems.includes(name);
  }

  /** An ingredient crafted at exactly `level`: one new item, or now and then a tag of two or three. */
  private craftedIngredient(level: number): Ingredient {
    if (this.random.chance(0.2)) {
      const noun = this.freeNoun();
      if (noun !== undefined) {
        this.tagNouns.add(noun);
        const outputCount = this.random.pick(outputCounts);
        const members: string[] = [];
        const memberCount = this.random.between(2, 3);
        for (let index = 0; index < memberCount; index++) members.push(this.craftedItem(level, outputCount, this.craftedName(noun)));
        this.tags[noun] = members;
        return { item: noun, count: this.ingredientCount(outputCount) };
      }
    }
    const outputCount = this.random.pick(outputCounts);
    return { item: this.craftedItem(level, outputCount), count: this.ingredientCount(outputCount) };
  }

  /** Mostly what one craft yields or less; sometimes up to two crafts' worth. */
  private ingredientCount(outputCount: number): number {
    return this.random.chance(0.85) ? this.random.between(1, outputCount) : this.random.between(outputCount + 1, 2 * outputCount);
  }

  private freeNoun(): string | undefined {
    const free = itemVocabulary.nouns.filter((noun) => !this.nouns.has(noun) && !this.tagNouns.has(noun));
    return free.length === 0 ? undefined : this.random.pick(free);
  }

  /** Recipes for new items that consume some of `names` (never the goal). */
  addDistractors(count: number, names: readonly string[]): void {
    for (let index = 0; index < count && names.length > 0; index++) {
      const inputs: Ingredient[] = [];
      const wanted = this.random.between(1, 3);
      for (let attempt = 0; attempt < wanted; attempt++) {
        const item = this.random.pick(names);
        if (!inputs.some((input) => input.item === item)) inputs.push({ item, count: this.random.between(1, 4) });
      }
      this.recipes.push({ output: this.craftedName(), outputCount: this.random.pick(outputCounts), inputs });
    }
  }
}

function attempt(random: SeededRandom, options: GenerateCraftingTaskOptions): CraftingTask {
  const builder = new WorldBuilder(random);
  const goal = builder.craftedItem(options.depth, random.pick(goalOutputCounts));
  const ingredients = [...new Set(builder.recipes.flatMap((recipe) => recipe.inputs.map((input) => input.item)))];
  builder.addDistractors(options.distractors, ingredients);
  const book = { recipes: builder.recipes, tags: builder.tags };
  const commands = listCraftingCommands(new RecipeBook(book), goal, random, options.distractors);
  return { goal, book, commands, depth: options.depth };
}

/**
 * A world whose goal has crafting depth `options.depth`, its commands listing the goal's tree and
 * `options.distractors` distractors. The same generator state gives the same task.
 */
export function generateCraftingTask(random: SeededRandom, options: GenerateCraftingTaskOptions): CraftingTask {
  let shortest: { task: CraftingTask; steps: number } | undefined;
  for (let index = 0; index < maximumAttempts; index++) {
    const task = attempt(random, options);
    const steps = planCrafting(new RecipeBook(task.book), task.goal, new Map())?.length ?? Number.POSITIVE_INFINITY;
    if (steps <= options.maximumPlanSteps) return task;
    if (shortest === undefined || steps < shortest.steps) shortest = { task, steps };
  }
  return shortest!.task;
}
