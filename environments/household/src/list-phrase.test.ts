// ALFWorld's list wording, including its "a" before vowels and its comma before "and".
import { describe, expect, it } from 'vitest';
import { listPhrase } from './list-phrase.js';

describe('listPhrase', () => {
  it('writes nothing, one, two and more names as ALFWorld does', () => {
    expect(listPhrase([])).toBe('nothing');
    expect(listPhrase(['apple 1'])).toBe('a apple 1');
    expect(listPhrase(['mug 1', 'cup 2'])).toBe('a mug 1, and a cup 2');
    expect(listPhrase(['mug 1', 'cup 2', 'pan 1'])).toBe('a mug 1, a cup 2, and a pan 1');
  });
});
