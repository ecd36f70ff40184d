// One episode's world: the recipe book, the goal and the crafting commands shown to the agent.
import type { RecipeBookData } from './recipe-book.js';

/** What `reset` builds from a seed: JSON-safe, so snapshots carry it as is. */
export interface CraftingTask {
  /** The item to craft. */
  readonly goal: string;
  /** Every recipe and tag of the world (the commands list a subset of the recipes). */
  readonly book: RecipeBookData;
  /** The crafting commands the observation lists, in order: the goal's recipe tree and distractors. */
  readonly commands: readonly string[];
  /** The goal's crafting depth (TextCraft's minimum depth: base items 0). */
  readonly depth: number;
}
