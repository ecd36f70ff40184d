import { describe, expect, it } from 'vitest';
import { parseCommand } from './parse-command.js';

describe('parseCommand', () => {
  it('parses the three TextCraft commands into canonical form', () => {
    expect(parseCommand('get 1 oak logs')).toEqual({ kind: 'get', count: 1, item: 'oak logs', canonical: 'get 1 oak logs' });
    expect(parseCommand('inventory')).toEqual({ kind: 'inventory', canonical: 'inventory' });
    expect(parseCommand('craft 4 oak planks using 1 oak logs')).toEqual({
      kind: 'craft',
      outputCount: 4,
      output: 'oak planks',
      inputs: [{ item: 'oak logs', count: 1 }],
      canonical: 'craft 4 oak planks using 1 oak logs',
    });
  });

  it('ignores case, extra spaces, a trailing period and minecraft ids', () => {
    const parsed = parseCommand('  Craft 3  Dark Oak Sign using 6 minecraft:dark_oak_planks ,1 Stick. ');
    expect(parsed).toMatchObject({ kind: 'craft', output: 'dark oak sign', canonical: 'craft 3 dark oak sign using 6 dark oak planks, 1 stick' });
    expect(parseCommand('GET 2 Iron_Ingot')).toMatchObject({ kind: 'get', item: 'iron ingot', count: 2 });
  });

  it('accepts a craft without the output count, as TextCraft does', () => {
    expect(parseCommand('craft stick using 2 oak planks')).toMatchObject({ kind: 'craft', outputCount: undefined, output: 'stick' });
  });

  it('refuses malformed commands with a reason that shows the expected form', () => {
    for (const action of ['fly to the moon', 'get oak logs', 'get 0 oak logs', 'get 1', 'craft stick', 'craft 4 stick using planks', 'get 100000 sand', 'inventory please', 42, undefined]) {
      const parsed = parseCommand(action);
      expect(parsed.kind, JSON.stringify(action)).toBe('invalid');
      if (parsed.kind === 'invalid') expect(parsed.reason.length).toBeGreaterThan(10);
    }
    const missingCount = parseCommand('craft 4 stick using 2 planks, oak logs');
    expect(missingCount.kind === 'invalid' && missingCount.reason).toContain('"oak logs"');
  });

  it('refuses a command whose item is only a number (the item was left out), rather than spending a step on it', () => {
    for (const action of ['craft 4 using 1 oak logs', 'craft 1  using 1 oak logs', 'get 2 4', 'craft 4 oak planks using 1 4']) {
      const parsed = parseCommand(action);
      expect(parsed.kind, action).toBe('invalid');
      if (parsed.kind === 'invalid') expect(parsed.reason, action).toMatch(/item/);
    }
  });
});
