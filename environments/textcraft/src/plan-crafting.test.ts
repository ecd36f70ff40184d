import { describe, expect, it } from 'vitest';
import { curatedRecipeBook } from './curated-recipe-book.js';
import { planCrafting } from './plan-crafting.js';
import { RecipeBook } from './recipe-book.js';

const book = new RecipeBook(curatedRecipeBook);

describe('planCrafting', () => {
  it('gets all missing base items first, then crafts bottom-up, repeating crafts as demand needs', () => {
    expect(planCrafting(book, 'dark oak sign', new Map())).toEqual([
      'get 2 dark oak logs',
      'craft 4 dark oak planks using 1 dark oak logs',
      'craft 4 dark oak planks using 1 dark oak logs',
      'craft 4 stick using 2 dark oak planks',
      'craft 3 dark oak sign using 6 dark oak planks, 1 stick',
    ]);
  });

  it('uses what is held: leftovers, a held tag member, an affordable alternative', () => {
    expect(planCrafting(book, 'dark oak sign', new Map([['dark oak planks', 6], ['stick', 1]]))).toEqual([
      'craft 3 dark oak sign using 6 dark oak planks, 1 stick',
    ]);
    expect(planCrafting(book, 'crafting table', new Map([['spruce logs', 1]]))).toEqual([
      'craft 4 spruce planks using 1 spruce logs',
      'craft 1 crafting table using 4 spruce planks',
    ]);
    expect(planCrafting(book, 'torch', new Map([['charcoal', 1], ['stick', 1]]))).toEqual(['craft 4 torch using 1 charcoal, 1 stick']);
  });

  it('returns undefined for base items and unknown goals', () => {
    expect(planCrafting(book, 'oak logs', new Map())).toBeUndefined();
    expect(planCrafting(book, 'unicorn', new Map())).toBeUndefined();
  });
});
