// Reading the `Available actions: [...]` list some servers append to the observation text.
import { describe, expect, it } from 'vitest';
import { availableActionsFromText } from './available-actions-text.js';

describe('availableActionsFromText', () => {
  it('reads BabyAI\'s JSON-quoted list at the end of the text', () => {
    // agentenv-babyai/agentenv_babyai/environment.py builds `\nAvailable actions: ["a", "b"]`.
    expect(availableActionsFromText('You see a door.\nAvailable actions: ["turn left", "turn right", "toggle and go through blue closed door 1"]')).toEqual([
      'turn left',
      'turn right',
      'toggle and go through blue closed door 1',
    ]);
  });

  it('reads Python-repr lists, takes the last list, and handles an empty one', () => {
    expect(availableActionsFromText("available actions: ['look', \"it's here\", 'take 1 mug']")).toEqual(['look', "it's here", 'take 1 mug']);
    expect(availableActionsFromText('Available actions: ["old"]\nthen\nAvailable actions: ["new"]')).toEqual(['new']);
    expect(availableActionsFromText('Available actions: []')).toEqual([]);
  });

  it('reads actions that contain brackets themselves (WebShop-style search[...] and click[...])', () => {
    expect(availableActionsFromText('Results\nAvailable actions: ["search[lamp]", "click[buy now]", \'click[< prev]\']')).toEqual(['search[lamp]', 'click[buy now]', 'click[< prev]']);
  });

  it('finds nothing where there is no bracketed list', () => {
    expect(availableActionsFromText('Crafting commands:\ncraft 1 stick using 2 planks')).toBeUndefined();
    expect(availableActionsFromText('AVAILABLE ACTIONS: look,inventory')).toBeUndefined();
    expect(availableActionsFromText('Available actions: [unterminated')).toBeUndefined();
  });
});
