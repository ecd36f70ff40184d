// Parsing action strings: normalisation, primitive aliases, text commands and the reasons for refusals.
import { describe, expect, it } from 'vitest';
import { Color } from './color.js';
import { ObjectType } from './object-type.js';
import { normalizeAction, parseAction } from './parse-action.js';

describe('parseAction', () => {
  it('normalises case, whitespace, articles and a trailing period', () => {
    expect(normalizeAction('  Go   To The RED Ball.  ')).toBe('go to the red ball');
    expect(parseAction('  Go   To a RED Ball.')).toEqual({
      kind: 'command',
      verb: 'go to',
      target: { type: ObjectType.ball, color: Color.red },
      canonical: 'go to the red ball',
    });
    expect(parseAction('pick up grey key')).toMatchObject({ kind: 'command', verb: 'pick up', canonical: 'pick up the grey key' });
    expect(parseAction('open the gray door')).toMatchObject({ kind: 'command', canonical: 'open the grey door' });
    expect(parseAction('go to the ball')).toMatchObject({ kind: 'command', target: { type: ObjectType.ball, color: -1 }, canonical: 'go to the ball' });
  });

  it('maps primitives and their aliases to codes', () => {
    expect(parseAction('forward')).toEqual({ kind: 'primitive', code: 2, canonical: 'forward' });
    expect(parseAction('Turn Left!')).toEqual({ kind: 'primitive', code: 0, canonical: 'left' });
    expect(parseAction('pick up')).toEqual({ kind: 'primitive', code: 3, canonical: 'pickup' });
    expect(parseAction('put down')).toEqual({ kind: 'primitive', code: 4, canonical: 'drop' });
  });

  it('explains what is wrong with invalid actions', () => {
    expect(parseAction('fly')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('not an action') });
    expect(parseAction('go to the purple unicorn')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('"unicorn" is not an object type') });
    expect(parseAction('go to the shiny ball')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('"shiny" is not a colour') });
    expect(parseAction('pick up the red door')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('only keys, balls and boxes') });
    expect(parseAction('open the red box')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('only doors') });
    expect(parseAction(42)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('actions are strings') });
  });
});
