// Text similarity of observations: identical texts, disjoint texts, word order, a step counter.
import { describe, expect, it } from 'vitest';
import { textSimilarity } from './text-similarity.js';

describe('textSimilarity', () => {
  it('is 1 for equal texts (empty ones too) and 0 for texts with no word pair in common', () => {
    expect(textSimilarity('You see a red key.', 'You see a red key.')).toBe(1);
    expect(textSimilarity('', '')).toBe(1);
    expect(textSimilarity('alpha beta', 'gamma delta')).toBe(0);
    expect(textSimilarity('alpha', '')).toBe(0);
  });

  it('ignores case and punctuation, and is symmetric', () => {
    expect(textSimilarity('You see: a red key!', 'you see a RED key')).toBe(1);
    const first = 'the red ball is ahead';
    const second = 'the blue ball is behind';
    expect(textSimilarity(first, second)).toBeCloseTo(textSimilarity(second, first), 12);
  });

  it('notices word order', () => {
    expect(textSimilarity('red ball blue key', 'blue key red ball')).toBeLessThan(1);
    expect(textSimilarity('red ball blue key', 'blue key red ball')).toBeGreaterThan(0);
  });

  it('scores a changed step counter in a long observation close to 1', () => {
    const observation = (step: number): string =>
      `Mission: pick up the green ball.\nYou are facing south and carrying nothing. Step ${step} of 392.\n` +
      'Ahead of you: 3 free cells, then a wall.\nYou see: a red key 2 steps ahead and 2 to the left; a locked red door 4 steps ahead and 2 to the right.';
    const similarity = textSimilarity(observation(3), observation(4));
    expect(similarity).toBeGreaterThan(0.9);
    expect(similarity).toBeLessThan(1);
  });
});
