import { describe, expect, it } from 'vitest';
import { craftingDepth } from './crafting-depth.js';
import { curatedGoals, curatedRecipeBook } from './curated-recipe-book.js';
import { planCrafting } from './plan-crafting.js';
import { recipeCommand } from './recipe.js';
import { RecipeBook } from './recipe-book.js';

const book = new RecipeBook(curatedRecipeBook);

describe('the curated recipe book', () => {
  it('makes every curated goal, at depth 1 or more, in at most 30 expert steps', () => {
    expect(new Set(curatedGoals).size).toBe(curatedGoals.length);
    for (const goal of curatedGoals) {
      const depth = craftingDepth(book, goal);
      expect(depth, goal).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(depth), goal).toBe(true);
      expect(planCrafting(book, goal, new Map())!.length, goal).toBeLessThanOrEqual(30);
    }
  });

  it('has one recipe per command and tags whose members are items', () => {
    const commands = curatedRecipeBook.recipes.map(recipeCommand);
    expect(new Set(commands).size).toBe(commands.length);
    for (const [tag, members] of Object.entries(curatedRecipeBook.tags)) {
      expect(book.isItem(tag)).toBe(false);
      for (const member of members) expect(book.isItem(member), `${tag}: ${member}`).toBe(true);
    }
  });

  it('keeps TextCraft classics: dark oak sign from planks and a stick', () => {
    expect(commands()).toContain('craft 3 dark oak sign using 6 dark oak planks, 1 stick');
    expect(commands()).toContain('craft 4 oak planks using 1 oak logs');
  });
});

function commands(): string[] {
  return curatedRecipeBook.recipes.map(recipeCommand);
}
