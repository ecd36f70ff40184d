// The command parser: canonical forms, forgiven variations, and malformed text with reasons.
import { describe, expect, it } from 'vitest';
import { formatHouseholdCommand } from './household-command.js';
import { parseHouseholdCommand } from './parse-household-command.js';

function canonical(text: unknown): string {
  const parsed = parseHouseholdCommand(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return formatHouseholdCommand(parsed.command);
}

describe('parseHouseholdCommand', () => {
  it('parses every ALFWorld command form into its canonical text', () => {
    for (const command of [
      'go to cabinet 1',
      'open fridge 1',
      'close drawer 12',
      'take mug 1 from countertop 1',
      'put mug 1 in/on coffeemachine 1',
      'clean mug 1 with sinkbasin 1',
      'heat egg 2 with microwave 1',
      'cool apple 1 with fridge 1',
      'use desklamp 1',
      'examine mug 1',
      'inventory',
      'look',
    ]) {
      expect(canonical(command)).toBe(command);
    }
  });

  it('forgives case, spaces, a trailing period, "the", and other spellings of put', () => {
    expect(canonical('  Go To  the Cabinet 1. ')).toBe('go to cabinet 1');
    expect(canonical('goto fridge 1')).toBe('go to fridge 1');
    expect(canonical('put mug 1 in fridge 1')).toBe('put mug 1 in/on fridge 1');
    expect(canonical('put mug 1 on countertop 2')).toBe('put mug 1 in/on countertop 2');
    expect(canonical('move mug 1 to countertop 2')).toBe('put mug 1 in/on countertop 2');
    expect(canonical('clean the mug 1 using the sinkbasin 1')).toBe('clean mug 1 with sinkbasin 1');
    expect(canonical('i')).toBe('inventory');
  });

  it('accepts names of things that are not in the room: that is for the world to answer', () => {
    expect(canonical('go to cabinet 99')).toBe('go to cabinet 99');
    expect(canonical('take unicorn 1 from cabinet 1')).toBe('take unicorn 1 from cabinet 1');
  });

  it('refuses malformed text with a reason naming the command forms', () => {
    for (const text of ['', 'fly to the moon', 'take mug from countertop 1', 'go to fridge', 'take mug 1 with sinkbasin 1', 'put mug 1 from fridge 1', 42, null]) {
      const parsed = parseHouseholdCommand(text);
      expect(parsed.ok, JSON.stringify(text)).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain('"go to X"');
    }
    const missingNumber = parseHouseholdCommand('go to fridge');
    expect(!missingNumber.ok && missingNumber.reason).toContain('"fridge 1"');
  });

  it('says which word joins the names when only that word is wrong, not that the names are', () => {
    const wrongJoiner = parseHouseholdCommand('take mug 1 with sinkbasin 1');
    expect(wrongJoiner.ok).toBe(false);
    if (!wrongJoiner.ok) {
      expect(wrongJoiner.reason).toContain('"take Y from X"');
      expect(wrongJoiner.reason).not.toContain('by kind and number');
    }
    const cool = parseHouseholdCommand('cool apple 1 in fridge 1');
    expect(!cool.ok && cool.reason).toContain('"cool Y with X"');
  });

  it('forgives "a" and "an" before names too, as the observations write them ("you see a mug 1")', () => {
    expect(canonical('take a mug 1 from the countertop 1')).toBe('take mug 1 from countertop 1');
    expect(canonical('put an apple 1 in a fridge 1')).toBe('put apple 1 in/on fridge 1');
    expect(canonical('go to a cabinet 2')).toBe('go to cabinet 2');
  });
});
