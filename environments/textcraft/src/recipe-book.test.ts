import { describe, expect, it } from 'vitest';
import { RecipeBook } from './recipe-book.js';

const book = new RecipeBook({
  recipes: [
    { output: 'oak planks', outputCount: 4, inputs: [{ item: 'oak logs', count: 1 }] },
    { output: 'stick', outputCount: 4, inputs: [{ item: 'planks', count: 2 }] },
    { output: 'torch', outputCount: 4, inputs: [{ item: 'coal', count: 1 }, { item: 'stick', count: 1 }] },
    { output: 'torch', outputCount: 4, inputs: [{ item: 'charcoal', count: 1 }, { item: 'stick', count: 1 }] },
  ],
  tags: { planks: ['oak planks', 'birch planks'] },
});

describe('RecipeBook', () => {
  it('tells base items, crafted items and tags apart', () => {
    expect(book.isBaseItem('oak logs')).toBe(true);
    expect(book.isBaseItem('birch planks')).toBe(true); // a tag member no recipe makes
    expect(book.isBaseItem('oak planks')).toBe(false);
    expect(book.isBaseItem('planks')).toBe(false);
    expect(book.isTag('planks')).toBe(true);
    expect(book.isItem('planks')).toBe(false);
    expect(book.isItem('unicorn')).toBe(false);
  });

  it('matches recipes by ingredients in any order, tags by any member, counts exactly', () => {
    expect(book.findRecipe('stick', [{ item: 'oak planks', count: 2 }])?.outputCount).toBe(4);
    expect(book.findRecipe('stick', [{ item: 'birch planks', count: 2 }])).toBeDefined();
    expect(book.findRecipe('stick', [{ item: 'oak planks', count: 3 }])).toBeUndefined();
    expect(book.findRecipe('torch', [{ item: 'stick', count: 1 }, { item: 'charcoal', count: 1 }])?.inputs[0]!.item).toBe('charcoal');
    expect(book.findRecipe('torch', [{ item: 'stick', count: 1 }])).toBeUndefined();
    expect(book.findRecipe('torch', [{ item: 'stick', count: 1 }, { item: 'coal', count: 1 }, { item: 'sand', count: 1 }])).toBeUndefined();
    expect(book.findRecipe('lantern', [{ item: 'stick', count: 1 }])).toBeUndefined();
  });
});
