// Abort subscriptions: one listener per signal however many subscribe, removed with the last one.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { subscribeToAbort } from './abort-subscription.js';

describe('subscribeToAbort', () => {
  it('adds one listener for many subscriptions, calls each live one once on abort, and leaves none behind', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const unsubscribeFirst = subscribeToAbort(controller.signal, () => calls.push('first'));
    const unsubscribers = Array.from({ length: 20 }, (_, index) => subscribeToAbort(controller.signal, () => calls.push(`other ${index}`)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    unsubscribeFirst();
    unsubscribeFirst();
    unsubscribers.slice(1).forEach((unsubscribe) => unsubscribe());
    controller.abort();
    expect(calls).toEqual(['other 0']);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    unsubscribers[0]!();
  });

  it('removes the listener when the last subscription ends, and adds a fresh one for the next', () => {
    const controller = new AbortController();
    const unsubscribe = subscribeToAbort(controller.signal, () => undefined);
    unsubscribe();
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    let called = 0;
    subscribeToAbort(controller.signal, () => (called += 1));
    controller.abort();
    expect(called).toBe(1);
  });

  it('calls back at once for a signal that has already aborted', () => {
    let called = 0;
    const unsubscribe = subscribeToAbort(AbortSignal.abort(), () => (called += 1));
    expect(called).toBe(1);
    unsubscribe();
  });
});
