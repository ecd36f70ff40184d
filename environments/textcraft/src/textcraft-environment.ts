// The TextCraft environment: a goal item, crafting commands, and get / craft / inventory commands
// answered with TextCraft's replies. Malformed commands throw InvalidActionError (state unchanged);
// well-formed commands that cannot succeed spend a step and say why, as TextCraft does.
import {
  ConfigError,
  EnvironmentStateError,
  InvalidActionError,
  integerEnvironmentOption,
  resetSeed,
  resetStepLimit,
  snapshotData,
  type EnvSnapshot,
  type Environment,
  type EnvironmentOptions,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';
import { getCommands } from './admissible-commands.js';
import { craftingDepth } from './crafting-depth.js';
import type { CraftingTask } from './crafting-task.js';
import { curatedGoals, curatedRecipeBook } from './curated-recipe-book.js';
import { describeInventory } from './describe-inventory.js';
import { generateCraftingTask } from './generate-crafting-task.js';
import { itemIdOf, normalizeItemName } from './item-id.js';
import { listCraftingCommands } from './list-crafting-commands.js';
import { parseCommand, type TextcraftCommand } from './parse-command.js';
import { planCrafting, type Inventory } from './plan-crafting.js';
import type { Recipe } from './recipe.js';
import { RecipeBook, type RecipeBookData } from './recipe-book.js';
import { SeededRandom } from './seeded-random.js';
import { TextcraftActionSpace } from './textcraft-action-space.js';
import {
  curatedMaxSteps,
  defaultCraftDepth,
  defaultDistractors,
  generatedMaxSteps,
  generatedPlanBudget,
  maximumCraftDepth,
  textcraftFamilies,
  type TextcraftFamily,
  type TextcraftFamilyName,
} from './textcraft-families.js';
import { TextcraftObservation, type TextcraftEpisodeView } from './textcraft-observation.js';

/** Options of a TextCraft environment (all optional). */
export interface TextcraftEnvironmentOptions extends EnvironmentOptions {
  /** Steps before truncation; default 10 + 10 x depth for generated worlds, 40 for curated ones. */
  readonly maxSteps?: number;
  /** Goal depth of `textcraft/Craft-v0` worlds (1..6, default 2); the other families fix it. */
  readonly depth?: number;
  /** Distractor recipes listed besides the goal's tree (0..20, default 5). */
  readonly distractors?: number;
}

/** What one step did, in `info.outcome`. */
export type TextcraftOutcome = 'got' | 'crafted' | 'inventory' | 'failed';

/** Version of the snapshot format `snapshot()` writes. */
const snapshotVersion = 1;

/** The serialised state inside a TextCraft snapshot's `data`. */
interface TextcraftSnapshotData {
  readonly seed: number;
  readonly goal: string;
  readonly commands: readonly string[];
  readonly depth: number;
  /** The world's book; null for the curated book (the same for every curated task). */
  readonly book: RecipeBookData | null;
  /** Held items in the order they were obtained. */
  readonly inventory: readonly (readonly [string, number])[];
  readonly stepCount: number;
  readonly maxSteps: number;
  readonly ended: boolean;
  readonly succeeded: boolean;
  readonly text: string;
  /**
   * The expert's plan still being followed (its remaining commands), when there is one: a fresh
   * plan from the same inventory may choose other recipes, so restoring it keeps the expert exact.
   */
  readonly expertPlan?: readonly string[];
}

const curatedBook = new RecipeBook(curatedRecipeBook);
const emptyInventory: Inventory = new Map();


/** FNV-1a of `text` as 8 hex digits: a short key telling worlds apart. */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function recipeOfCommand(command: string): Recipe {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'craft' || parsed.outputCount === undefined) throw new EnvironmentStateError(`The crafting command ${JSON.stringify(command)} of this task is malformed.`);
  return { output: parsed.output, outputCount: parsed.outputCount, inputs: parsed.inputs };
}

/**
 * A TextCraft task family (`textcraft/<Family>-v0`). The observation after `reset` lists the
 * crafting commands and the goal; each step answers one command with TextCraft's reply. Reward 1
 * and `terminated` when the goal is crafted; `truncated` at `maxSteps` (or at a reset's smaller
 * `maxSteps`, the caller's budget); `info.success` at the end.
 */
export class TextcraftEnvironment implements Environment<TextcraftObservation, string> {
  readonly id: string;
  readonly actionSpace: TextcraftActionSpace;
  /** The family this environment makes worlds for. */
  readonly family: TextcraftFamily;
  /** Goal depth of generated worlds (undefined for the curated family). */
  readonly depth: number | undefined;
  /** Distractor recipes listed besides the goal's tree. */
  readonly distractors: number;
  private readonly configuredMaxSteps: number;
  private episodeMaxSteps: number;
  private episode: TextcraftEpisodeView | undefined;
  private task: CraftingTask | undefined;
  private seed = 0;
  private inventory: Inventory = emptyInventory;
  private stepCount = 0;
  private ended = false;
  private succeeded = false;
  private latestObservation: TextcraftObservation | undefined;
  /** The expert's plan, valid while the inventory is `expertInventory` and the plan is followed. */
  private expertPlan: readonly string[] | undefined;
  private expertIndex = 0;
  private expertInventory: Inventory | undefined;

  /** Makes an environment for `familyName`; options are checked here (ConfigError when wrong). */
  constructor(familyName: TextcraftFamilyName, options: TextcraftEnvironmentOptions = {}) {
    const family = textcraftFamilies[familyName];
    if (family === undefined) throw new ConfigError(`Unknown TextCraft family ${JSON.stringify(familyName)}; use one of ${Object.keys(textcraftFamilies).join(', ')}.`);
    this.family = family;
    this.id = `textcraft/${family.name}-v0`;
    const depth = integerEnvironmentOption('TextCraft', options, 'depth', 1, maximumCraftDepth);
    if (depth !== undefined && family.name !== 'Craft' && depth !== family.depth) {
      throw new ConfigError(`${this.id} does not take a depth option (got ${depth}); use textcraft/Craft-v0 with depth ${depth}.`);
    }
    this.depth = family.curated ? undefined : (family.depth ?? depth ?? defaultCraftDepth);
    this.distractors = integerEnvironmentOption('TextCraft', options, 'distractors', 0, 20) ?? defaultDistractors;
    this.configuredMaxSteps = integerEnvironmentOption('TextCraft', options, 'maxSteps', 1, 1_000_000) ?? (this.depth === undefined ? curatedMaxSteps : generatedMaxSteps(this.depth));
    this.episodeMaxSteps = this.configuredMaxSteps;
    this.actionSpace = new TextcraftActionSpace(() => this.latestObservation?.validActions ?? []);
  }

  /** Steps after which the episode is truncated: the option's, or after a reset with a smaller `maxSteps`, that one. */
  get maxSteps(): number {
    return this.episodeMaxSteps;
  }

  /**
   * Makes a world from `options.seed` (or a random seed, reported in `info.seed`). For
   * `textcraft/Curated-v0`, `options.task` names a curated goal (`"lectern"`); otherwise the seed
   * picks goal number seed modulo their count. Other families accept only their own name as task.
   * `info` carries `seed`, `goal`, `depth` and `maxSteps` (the episode's limit: the environment's,
   * or `options.maxSteps` when smaller; a `maxSteps` that is not a positive integer is a ConfigError).
   */
  async reset(options: ResetOptions = {}): Promise<ResetResult<TextcraftObservation>> {
    const seed = resetSeed(options);
    const maxSteps = resetStepLimit(options, this.configuredMaxSteps);
    const random = new SeededRandom(seed);
    let task: CraftingTask;
    if (this.family.curated) {
      let goal = curatedGoals[((seed % curatedGoals.length) + curatedGoals.length) % curatedGoals.length]!;
      if (options.task !== undefined) {
        goal = normalizeItemName(options.task);
        if (!curatedGoals.includes(goal)) throw new ConfigError(`${JSON.stringify(options.task)} is not a goal of ${this.id}; use one of ${curatedGoals.join(', ')}.`);
      }
      const commands = listCraftingCommands(curatedBook, goal, random, this.distractors);
      task = { goal, book: curatedRecipeBook, commands, depth: craftingDepth(curatedBook, goal) };
    } else {
      if (options.task !== undefined && options.task !== this.family.name) {
        throw new ConfigError(`${this.id} has a single task; pass no task, or use textcraft/Curated-v0 to choose a goal (got task ${JSON.stringify(options.task)}).`);
      }
      const depth = this.depth!;
      task = generateCraftingTask(random, { depth, distractors: this.distractors, maximumPlanSteps: generatedPlanBudget(depth) });
    }
    this.seed = seed;
    this.begin(task, emptyInventory, 0, maxSteps, false, false);
    const observation = this.observe(`Crafting commands:\n${this.episode!.commandsText}\n\nGoal: craft ${task.goal}.`);
    return { observation, info: { seed, goal: task.goal, depth: task.depth, maxSteps: this.episodeMaxSteps } };
  }

  /**
   * Runs one command. Malformed commands reject with `InvalidActionError` and change nothing;
   * stepping before reset or after the end rejects with `EnvironmentStateError`. `info.outcome`
   * says what happened; at the end `info.success` and `info.stepCount` are set.
   */
  async step(action: string): Promise<StepResult<TextcraftObservation>> {
    if (this.episode === undefined) throw new EnvironmentStateError(`step() was called before reset() on ${this.id}; call reset() first.`);
    if (this.ended) {
      throw new EnvironmentStateError(`step() was called after the episode of ${this.id} ended (step ${this.stepCount}); call reset() to start another.`);
    }
    const parsed = parseCommand(action);
    if (parsed.kind === 'invalid') throw new InvalidActionError(action, parsed.reason);
    const before = this.inventory;
    const { text, outcome } = this.apply(parsed);
    if (this.expertInventory === before && outcome !== 'failed' && parsed.canonical === this.expertPlan?.[this.expertIndex]) {
      // The plan was followed and did what it expected: its rest still holds.
      this.expertIndex++;
      this.expertInventory = this.inventory;
    }
    this.stepCount++;
    if (this.succeeded || this.stepCount >= this.episodeMaxSteps) this.ended = true;
    const observation = this.observe(text);
    if (!this.ended) return { observation, reward: 0, terminated: false, truncated: false, info: { outcome } };
    const info: Info = { outcome, success: this.succeeded, stepCount: this.stepCount };
    return { observation, reward: this.succeeded ? 1 : 0, terminated: this.succeeded, truncated: !this.succeeded, info };
  }

  /**
   * The expert's next command: the first of a plan that gets every missing base item, then crafts
   * bottom-up (see `planCrafting`); undefined before reset, after the end, or when the goal cannot be made.
   * The plan is kept while the episode follows it and made afresh from the inventory otherwise.
   */
  expertAction(): string | undefined {
    if (this.episode === undefined || this.ended) return undefined;
    if (this.expertInventory !== this.inventory || this.expertPlan === undefined || this.expertIndex >= this.expertPlan.length) {
      this.expertPlan = planCrafting(this.episode.book, this.episode.goal, this.inventory);
      this.expertIndex = 0;
      this.expertInventory = this.inventory;
    }
    return this.expertPlan?.[this.expertIndex];
  }

  /**
   * The exact state: the world (the book unless curated), inventory in order, counters, last reply,
   * and the rest of the expert's plan while the episode follows it (so `expertAction` agrees after `restore`). JSON-safe.
   */
  snapshot(): EnvSnapshot {
    const task = this.task;
    if (task === undefined) throw new EnvironmentStateError(`snapshot() was called before reset() on ${this.id}; call reset() first.`);
    const data: { -readonly [K in keyof TextcraftSnapshotData]: TextcraftSnapshotData[K] } = {
      seed: this.seed,
      goal: task.goal,
      commands: task.commands.slice(),
      depth: task.depth,
      book: this.family.curated ? null : (JSON.parse(JSON.stringify(task.book)) as RecipeBookData),
      inventory: [...this.inventory],
      stepCount: this.stepCount,
      maxSteps: this.episodeMaxSteps,
      ended: this.ended,
      succeeded: this.succeeded,
      text: this.latestObservation!.text,
    };
    if (this.expertPlan !== undefined && this.expertInventory === this.inventory && this.expertIndex < this.expertPlan.length) {
      data.expertPlan = this.expertPlan.slice(this.expertIndex);
    }
    return { environmentId: this.id, version: snapshotVersion, data };
  }

  /** Returns to a snapshot of this environment id (EnvironmentStateError for another id, format or malformed data). */
  restore(snapshot: EnvSnapshot): void {
    const data = snapshotData(snapshot, this.id, snapshotVersion) as TextcraftSnapshotData;
    const book = this.family.curated ? curatedRecipeBook : data?.book;
    if (typeof data !== 'object' || data === null || typeof data.goal !== 'string' || !Array.isArray(data.commands) || !Array.isArray(data.inventory) || !book) {
      throw new EnvironmentStateError(`The snapshot of ${this.id} is malformed: it needs a goal, commands, an inventory and (unless curated) a recipe book.`);
    }
    const task: CraftingTask = { goal: data.goal, book, commands: data.commands.slice(), depth: data.depth };
    this.seed = data.seed;
    this.begin(task, new Map(data.inventory.map(([item, count]) => [item, count] as const)), data.stepCount, data.maxSteps, data.ended, data.succeeded);
    if (Array.isArray(data.expertPlan) && data.expertPlan.every((command) => typeof command === 'string')) {
      this.expertPlan = data.expertPlan.slice();
      this.expertIndex = 0;
      this.expertInventory = this.inventory;
    }
    this.observe(data.text);
  }

  /** Nothing to release; idempotent. */
  async close(): Promise<void> {}

  private begin(task: CraftingTask, inventory: Inventory, stepCount: number, maxSteps: number, ended: boolean, succeeded: boolean): void {
    const book = task.book === curatedRecipeBook ? curatedBook : new RecipeBook(task.book);
    const listedRecipes = task.commands.map(recipeOfCommand);
    const commandsText = task.commands.join('\n');
    this.task = task;
    this.episode = { book, goal: task.goal, commandsText, listedRecipes, getCommands: getCommands(book, listedRecipes), worldKey: hashText(commandsText) };
    this.inventory = inventory;
    this.stepCount = stepCount;
    this.episodeMaxSteps = maxSteps;
    this.ended = ended;
    this.succeeded = succeeded;
    this.expertPlan = undefined;
    this.expertInventory = undefined;
  }

  /** Carries out a well-formed command, replying as TextCraft does. */
  private apply(command: TextcraftCommand): { text: string; outcome: TextcraftOutcome } {
    const { book, goal } = this.episode!;
    switch (command.kind) {
      case 'inventory':
        return { text: describeInventory(this.inventory), outcome: 'inventory' };
      case 'get': {
        if (!book.isBaseItem(command.item)) return { text: `Could not find ${command.item}`, outcome: 'failed' };
        const next = new Map(this.inventory);
        next.set(command.item, (next.get(command.item) ?? 0) + command.count);
        this.inventory = next;
        return { text: `Got ${command.count} ${command.item}`, outcome: 'got' };
      }
      case 'craft': {
        for (const input of command.inputs) {
          if ((this.inventory.get(input.item) ?? 0) < input.count) {
            return { text: `Could not find enough items to craft ${itemIdOf(command.output)}`, outcome: 'failed' };
          }
        }
        const recipe = book.findRecipe(command.output, command.inputs);
        if (recipe === undefined) return { text: `Could not find a valid recipe for ${command.outputCount ?? 1} ${command.output}`, outcome: 'failed' };
        const next = new Map(this.inventory);
        for (const input of command.inputs) {
          const left = next.get(input.item)! - input.count;
          if (left === 0) next.delete(input.item);
          else next.set(input.item, left);
        }
        next.set(recipe.output, (next.get(recipe.output) ?? 0) + recipe.outputCount);
        this.inventory = next;
        if (recipe.output === goal) this.succeeded = true;
        return { text: `Crafted ${recipe.outputCount} ${itemIdOf(recipe.output)}`, outcome: 'crafted' };
      }
    }
  }

  private observe(text: string): TextcraftObservation {
    const observation = new TextcraftObservation(this.episode!, this.inventory, text, this.stepCount);
    this.latestObservation = observation;
    return observation;
  }
}
