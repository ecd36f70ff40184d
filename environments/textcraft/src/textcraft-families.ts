// The registered TextCraft task families: generated trees (depth from options, or fixed at 1, 2, 3)
// and the curated world. Step limits and the generator's plan budget grow with depth.

/** Names of the families; ids are `textcraft/<name>-v0`. */
export type TextcraftFamilyName = 'Craft' | 'CraftDepth1' | 'CraftDepth2' | 'CraftDepth3' | 'Curated';

/** A task family: how its worlds are made and its one-line description. */
export interface TextcraftFamily {
  readonly name: TextcraftFamilyName;
  readonly description: string;
  /** The depth of generated goals when fixed; undefined for `Craft` (option `depth`) and `Curated`. */
  readonly depth: number | undefined;
  /** Whether worlds come from the curated recipe book rather than the generator. */
  readonly curated: boolean;
}

/** Depth of `textcraft/Craft-v0` goals when the `depth` option is not given. */
export const defaultCraftDepth = 2;
/** Deepest tree the generator accepts. */
export const maximumCraftDepth = 6;
/** Distractor recipes listed when the `distractors` option is not given. */
export const defaultDistractors = 5;
/** Step limit of the curated family when `maxSteps` is not given. */
export const curatedMaxSteps = 40;

/** Default step limit of generated worlds of `depth`: 10 + 10 per level. */
export function generatedMaxSteps(depth: number): number {
  return 10 + 10 * depth;
}

/** Longest expert plan a generated world of `depth` may need: 4 + 6 per level (at most 60% of its step limit). */
export function generatedPlanBudget(depth: number): number {
  return 4 + 6 * depth;
}

/** Every family by name. */
export const textcraftFamilies: Readonly<Record<TextcraftFamilyName, TextcraftFamily>> = {
  Craft: {
    name: 'Craft',
    description: `TextCraft crafting in a world generated from the seed: goal depth from option depth (1..${maximumCraftDepth}, default ${defaultCraftDepth}), tags, alternative recipes and distractors.`,
    depth: undefined,
    curated: false,
  },
  CraftDepth1: { name: 'CraftDepth1', description: 'TextCraft crafting in a generated world; the goal is one craft away from base items.', depth: 1, curated: false },
  CraftDepth2: { name: 'CraftDepth2', description: 'TextCraft crafting in a generated world; the goal needs two levels of crafting.', depth: 2, curated: false },
  CraftDepth3: { name: 'CraftDepth3', description: 'TextCraft crafting in a generated world; the goal needs three levels of crafting.', depth: 3, curated: false },
  Curated: {
    name: 'Curated',
    description: 'TextCraft crafting with hand-written Minecraft-style recipes; the seed (or task) picks one of the curated goals, like AgentGym data_idx.',
    depth: undefined,
    curated: true,
  },
};
