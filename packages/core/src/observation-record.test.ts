// Tests of observationRecord: lazy getters read once, absent fields omitted, values copied.
import type { Observation } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { observationRecord } from './observation-record.js';

describe('observationRecord', () => {
  it('reads each field of a lazy observation once and leaves other properties behind', () => {
    const reads: string[] = [];
    class LazyObservation implements Observation {
      readonly environment = { self: this as unknown };
      get text() { reads.push('text'); return 'a room'; }
      get mission() { reads.push('mission'); return 'go to the door'; }
      get validActions() { reads.push('validActions'); return ['left', 'right']; }
      get parts() { reads.push('parts'); return [{ type: 'text' as const, label: 'map', text: '#.#' }]; }
      get features() { reads.push('features'); return { x: 1, open: false }; }
    }
    const lazy = new LazyObservation();
    const record = observationRecord(lazy);
    expect(record).toEqual({
      text: 'a room',
      mission: 'go to the door',
      validActions: ['left', 'right'],
      parts: [{ type: 'text', label: 'map', text: '#.#' }],
      features: { x: 1, open: false },
    });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(reads.sort()).toEqual(['features', 'mission', 'parts', 'text', 'validActions']);
    expect(() => JSON.stringify(lazy.environment)).toThrow(); // the cycle the copy must not carry
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('omits absent fields instead of writing undefined', () => {
    const record = observationRecord({ text: 'x', mission: undefined, validActions: undefined });
    expect(record).toEqual({ text: 'x' });
    expect(Object.keys(record)).toEqual(['text']);
  });

  it('copies arrays and objects so later changes to the source do not leak in', () => {
    const validActions = ['a'];
    const features: Record<string, number> = { x: 1 };
    const part = { type: 'image' as const, mediaType: 'image/png', data: 'AAAA', extra: 'dropped' };
    const record = observationRecord({ text: 't', validActions, features, parts: [part] });
    validActions.push('b');
    features.x = 2;
    expect(record.validActions).toEqual(['a']);
    expect(record.features).toEqual({ x: 1 });
    expect(record.parts).toEqual([{ type: 'image', mediaType: 'image/png', data: 'AAAA' }]);
  });
});
