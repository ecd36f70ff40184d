import { describe, expect, it } from 'vitest';
import { craftingDepth } from './crafting-depth.js';
import { generateCraftingTask } from './generate-crafting-task.js';
import { parseCommand } from './parse-command.js';
import { planCrafting } from './plan-crafting.js';
import { recipeCommand } from './recipe.js';
import { RecipeBook } from './recipe-book.js';
import { SeededRandom } from './seeded-random.js';

const options = (depth: number) => ({ depth, distractors: 5, maximumPlanSteps: 4 + 6 * depth });

describe('generateCraftingTask', () => {
  it('gives the same task for the same seed and different tasks for different seeds', () => {
    const first = generateCraftingTask(new SeededRandom(42), options(3));
    expect(generateCraftingTask(new SeededRandom(42), options(3))).toEqual(first);
    expect(generateCraftingTask(new SeededRandom(43), options(3))).not.toEqual(first);
  });

  for (const depth of [1, 2, 3, 4]) {
    it(`makes goals of exactly depth ${depth}, within the plan budget, listing real recipes (200 seeds)`, () => {
      for (let seed = 0; seed < 200; seed++) {
        const task = generateCraftingTask(new SeededRandom(seed), options(depth));
        const book = new RecipeBook(task.book);
        expect(craftingDepth(book, task.goal), `seed ${seed}`).toBe(depth);
        expect(task.depth).toBe(depth);
        expect(planCrafting(book, task.goal, new Map())!.length).toBeLessThanOrEqual(4 + 6 * depth);
        const known = new Set(task.book.recipes.map(recipeCommand));
        expect(new Set(task.commands).size).toBe(task.commands.length);
        for (const command of task.commands) {
          expect(known.has(command), command).toBe(true);
          const parsed = parseCommand(command);
          expect(parsed.kind === 'craft' && parsed.canonical).toBe(command); // names survive parsing
        }
        expect(book.isBaseItem(task.goal)).toBe(false);
      }
    });
  }

  it('uses tags, alternative recipes and distractors across seeds', () => {
    let tags = 0;
    let alternatives = 0;
    let distractors = 0;
    for (let seed = 0; seed < 100; seed++) {
      const task = generateCraftingTask(new SeededRandom(seed), options(3));
      const book = new RecipeBook(task.book);
      tags += Object.keys(task.book.tags).length;
      const outputs = task.book.recipes.map((recipe) => recipe.output);
      alternatives += outputs.length - new Set(outputs).size;
      distractors += task.book.recipes.filter((recipe) => craftingDepth(book, recipe.output) >= 1 && !task.commands.includes(recipeCommand(recipe))).length;
      expect(task.commands.length).toBeGreaterThanOrEqual(3 + 5); // three levels of recipes and five distractors
    }
    expect(tags).toBeGreaterThan(20);
    expect(alternatives).toBeGreaterThan(20);
    expect(distractors).toBe(0); // every distractor made is listed
  });
});

