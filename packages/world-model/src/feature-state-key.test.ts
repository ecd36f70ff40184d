// Feature state keys: all features or a chosen few, in one form, and the fall-backs for
// observations without them.
import { describe, expect, it } from 'vitest';
import { featureStateKey, featureSubsetStateKey } from './feature-state-key.js';

const observation = (features: Record<string, string | number | boolean>) => ({ text: 'somewhere', features });

describe('featureStateKey', () => {
  it('keys on every feature, sorted by name, or on the text when there are none', () => {
    expect(featureStateKey(observation({ y: 2, x: 1, open: true }))).toBe('open=true;x=1;y=2;');
    expect(featureStateKey({ text: 'a hall' })).toBe('text:a hall');
  });
});

describe('featureSubsetStateKey', () => {
  const targetKey = featureSubsetStateKey(['target.right', 'target.ahead']);

  it('keys on the named features only, so states that differ elsewhere share a key', () => {
    const here = observation({ x: 1, y: 2, 'target.ahead': 2, 'target.right': -1 });
    const elsewhere = observation({ x: 5, y: 7, 'target.ahead': 2, 'target.right': -1 });
    expect(targetKey(here)).toBe('target.ahead=2;target.right=-1;');
    expect(targetKey(elsewhere)).toBe(targetKey(here));
    expect(targetKey(observation({ x: 1, y: 2, 'target.ahead': 'none', 'target.right': 'none' }))).toBe('target.ahead="none";target.right="none";');
  });

  it('equals featureStateKey when it names every feature', () => {
    const features = { x: 1, y: 2, carrying: 'none' };
    expect(featureSubsetStateKey(['y', 'x', 'carrying'])(observation(features))).toBe(featureStateKey(observation(features)));
  });

  it('falls back to featureStateKey for observations that lack a named feature', () => {
    const partial = observation({ x: 1, 'target.ahead': 2 });
    expect(targetKey(partial)).toBe(featureStateKey(partial));
    expect(targetKey({ text: 'a hall' })).toBe('text:a hall');
  });
});
