// Tests of the environment checks: options, reset seeds, snapshot headers and vector indices are
// refused with the contract's error, naming the value as it was given (NaN, Infinity, bigint).
import { describe, expect, it } from 'vitest';
import { booleanEnvironmentOption, integerEnvironmentOption, resetSeed, resetStepLimit, snapshotData } from './environment-checks.js';
import { ConfigError, EnvironmentStateError } from './errors.js';
import { checkVectorIndex, checkVectorStepRequests } from './vector-environment-checks.js';

describe('integerEnvironmentOption', () => {
  it('returns an integer in range, undefined when absent', () => {
    expect(integerEnvironmentOption('Gridworld', { size: 8 }, 'size', 5, 20)).toBe(8);
    expect(integerEnvironmentOption('Gridworld', {}, 'size', 5, 20)).toBeUndefined();
  });

  it('refuses other values with a ConfigError that shows the value as given', () => {
    expect(() => integerEnvironmentOption('Gridworld', { size: 4 }, 'size', 5, 20)).toThrow(new ConfigError('Gridworld option size must be an integer from 5 to 20; got 4.'));
    expect(() => integerEnvironmentOption('Gridworld', { size: '8' }, 'size', 5, 20)).toThrow('got "8".');
    expect(() => integerEnvironmentOption('Gridworld', { size: Number.NaN }, 'size', 5, 20)).toThrow('got NaN.');
    expect(() => integerEnvironmentOption('Gridworld', { size: Infinity }, 'size', 5, 20)).toThrow('got Infinity.');
    expect(() => integerEnvironmentOption('Gridworld', { size: 8n }, 'size', 5, 20)).toThrow(ConfigError);
    expect(() => integerEnvironmentOption('Gridworld', { size: 8n }, 'size', 5, 20)).toThrow('got 8n.');
  });
});

describe('booleanEnvironmentOption', () => {
  it('returns a boolean, undefined when absent, and refuses anything else', () => {
    expect(booleanEnvironmentOption('Household', { hints: false }, 'hints')).toBe(false);
    expect(booleanEnvironmentOption('Household', {}, 'hints')).toBeUndefined();
    expect(() => booleanEnvironmentOption('Household', { hints: 'yes' }, 'hints')).toThrow(new ConfigError('Household option hints must be true or false; got "yes".'));
    expect(() => booleanEnvironmentOption('Household', { hints: 1n }, 'hints')).toThrow(ConfigError);
  });
});

describe('resetSeed', () => {
  it('passes a safe integer through and picks one in [0, 2^32) when absent', () => {
    expect(resetSeed({ seed: -3 })).toBe(-3);
    const picked = resetSeed({});
    expect(Number.isSafeInteger(picked) && picked >= 0 && picked < 2 ** 32).toBe(true);
  });

  it('refuses other seeds with a ConfigError', () => {
    expect(() => resetSeed({ seed: 1.5 })).toThrow(new ConfigError('Seeds must be safe integers; got 1.5.'));
    expect(() => resetSeed({ seed: 2 ** 53 })).toThrow(ConfigError);
    expect(() => resetSeed({ seed: Symbol('s') as never })).toThrow(ConfigError);
  });
});

describe('resetStepLimit', () => {
  it("is the environment's own limit, or the caller's when that is smaller", () => {
    expect(resetStepLimit({}, 64)).toBe(64);
    expect(resetStepLimit({ seed: 1, maxSteps: 32 }, 64)).toBe(32);
    expect(resetStepLimit({ maxSteps: 200 }, 64)).toBe(64);
  });

  it('refuses a maxSteps that is not a positive integer with a ConfigError showing it', () => {
    expect(() => resetStepLimit({ maxSteps: 0 }, 64)).toThrow(new ConfigError('Reset option maxSteps must be a positive integer (the steps the caller allows); got 0.'));
    for (const maxSteps of [-1, 2.5, Number.NaN, Infinity, '8' as never]) expect(() => resetStepLimit({ maxSteps }, 64)).toThrow(ConfigError);
  });
});

describe('snapshotData', () => {
  it('returns the data of a snapshot of the same id and version', () => {
    expect(snapshotData({ environmentId: 'a/B-v0', version: 2, data: { x: 1 } }, 'a/B-v0', 2)).toEqual({ x: 1 });
  });

  it('refuses another id, another version, and what is not a snapshot at all, with EnvironmentStateError', () => {
    expect(() => snapshotData({ environmentId: 'a/C-v0', version: 2, data: null }, 'a/B-v0', 2)).toThrow(EnvironmentStateError);
    expect(() => snapshotData({ environmentId: 'a/B-v0', version: 1, data: null }, 'a/B-v0', 2)).toThrow(/version 1 is not supported by a\/B-v0 \(expected 2\)/);
    for (const notASnapshot of [null, undefined, 'a/B-v0', 42]) {
      expect(() => snapshotData(notASnapshot as never, 'a/B-v0', 2)).toThrow(EnvironmentStateError);
    }
  });
});

describe('vector environment checks', () => {
  it('accepts indices in range, each once per call', () => {
    expect(() => checkVectorIndex('v', 3, 2, 'reset')).not.toThrow();
    expect(() => checkVectorStepRequests('v', 3, [{ index: 2, action: 'a' }, { index: 0, action: 'b' }])).not.toThrow();
  });

  it('refuses indices out of range, fractional, NaN or repeated with ConfigError naming them', () => {
    expect(() => checkVectorIndex('v', 3, 3, 'reset')).toThrow(new ConfigError('reset on v got instance index 3, outside 0 to 2; use an instance that exists.'));
    expect(() => checkVectorIndex('v', 3, 0.5, 'reset')).toThrow(ConfigError);
    expect(() => checkVectorIndex('v', 3, Number.NaN, 'reset')).toThrow('got instance index NaN,');
    expect(() => checkVectorStepRequests('v', 3, [{ index: 1, action: 'a' }, { index: 1, action: 'b' }])).toThrow(/instance 1 twice/);
    expect(() => checkVectorStepRequests('v', 3, [{ index: -1, action: 'a' }])).toThrow(ConfigError);
  });
});
