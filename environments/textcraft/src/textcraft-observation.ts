// A lazy TextCraft observation: the reply text is ready at once; valid actions, parts and features
// are computed on first read from the inventory the step left (inventories are copied on write,
// so an observation keeps showing its own step however the episode goes on).
import type { Observation, TextPart } from '@worldloop/spec';
import { affordableCrafts } from './admissible-commands.js';
import { describeInventory } from './describe-inventory.js';
import type { Inventory } from './plan-crafting.js';
import type { Recipe } from './recipe.js';
import type { RecipeBook } from './recipe-book.js';

/** What an episode shares with each of its observations. */
export interface TextcraftEpisodeView {
  readonly book: RecipeBook;
  readonly goal: string;
  /** The crafting commands as listed, one per line. */
  readonly commandsText: string;
  /** The listed commands as recipes (the basis of the valid crafts). */
  readonly listedRecipes: readonly Recipe[];
  /** `get` commands for the base items the listed recipes use. */
  readonly getCommands: readonly string[];
  /** A short hash of the listed commands, telling worlds apart in `features`. */
  readonly worldKey: string;
}

/**
 * What the agent perceives. After `reset`, `text` is TextCraft's opening ("Crafting commands:\n...
 * \n\nGoal: craft <goal>."); after a step it is TextCraft's reply ("Got 1 oak logs", "Crafted 4
 * minecraft:oak_planks", "Could not find ..."). `mission` is "craft <goal>".
 */
export class TextcraftObservation implements Observation {
  readonly text: string;
  readonly mission: string;
  /** Steps taken in the episode when this observation was made. */
  readonly stepCount: number;
  private readonly episode: TextcraftEpisodeView;
  private readonly inventory: Inventory;
  private cachedValidActions: readonly string[] | undefined;
  private cachedParts: readonly TextPart[] | undefined;
  private cachedFeatures: Readonly<Record<string, string | number | boolean>> | undefined;

  /** `inventory` must not change afterwards (the environment replaces it rather than editing it). */
  constructor(episode: TextcraftEpisodeView, inventory: Inventory, text: string, stepCount: number) {
    this.episode = episode;
    this.inventory = inventory;
    this.text = text;
    this.mission = `craft ${episode.goal}`;
    this.stepCount = stepCount;
  }

  /** `inventory`, a `get` per base item of the listed recipes, and the listed crafts affordable now. */
  get validActions(): readonly string[] {
    if (this.cachedValidActions === undefined) {
      const { book, listedRecipes, getCommands } = this.episode;
      this.cachedValidActions = ['inventory', ...getCommands, ...affordableCrafts(book, listedRecipes, this.inventory)];
    }
    return this.cachedValidActions;
  }

  /** Two labelled parts: `crafting commands` (the list, with the goal) and `inventory` (TextCraft's inventory line). */
  get parts(): readonly TextPart[] {
    if (this.cachedParts === undefined) {
      this.cachedParts = [
        { type: 'text', label: 'crafting commands', text: `Crafting commands:\n${this.episode.commandsText}\n\nGoal: craft ${this.episode.goal}.` },
        { type: 'text', label: 'inventory', text: describeInventory(this.inventory) },
      ];
    }
    return this.cachedParts;
  }

  /** `world` (hash of the listed commands), `goal`, `held.<item>` (units) per held item. */
  get features(): Readonly<Record<string, string | number | boolean>> {
    if (this.cachedFeatures === undefined) {
      const features: Record<string, string | number | boolean> = { world: this.episode.worldKey, goal: this.episode.goal };
      for (const [item, count] of this.inventory) features[`held.${item}`] = count;
      this.cachedFeatures = features;
    }
    return this.cachedFeatures;
  }

  /** Every field evaluated, for `JSON.stringify`. */
  toJSON(): Observation {
    return { text: this.text, mission: this.mission, validActions: this.validActions, parts: this.parts, features: this.features };
  }
}
