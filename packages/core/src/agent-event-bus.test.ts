// AgentEventBus: work handed to waitUntil is awaited by settled(), including work added meanwhile;
// the first failure is reported once and never left unhandled.
import { describe, expect, it } from 'vitest';
import { AgentEventBus } from './agent-event-bus.js';

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('AgentEventBus', () => {
  it('settles once every work handed to waitUntil is done, work added while waiting included', async () => {
    const bus = new AgentEventBus();
    const done: string[] = [];
    const first = deferred();
    const second = deferred();
    bus.waitUntil(first.promise.then(() => done.push('first')));
    let settled = false;
    const waiting = bus.settled().then(() => (settled = true));
    bus.waitUntil(second.promise.then(() => done.push('second')));
    first.resolve();
    await first.promise;
    await Promise.resolve();
    expect(settled).toBe(false);
    second.resolve();
    await waiting;
    expect(done).toEqual(['first', 'second']);
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('reports the first failure once', async () => {
    const bus = new AgentEventBus();
    const first = deferred();
    const second = deferred();
    bus.waitUntil(second.promise);
    bus.waitUntil(first.promise);
    first.reject(new Error('first failure'));
    await first.promise.catch(() => undefined);
    second.reject(new Error('second failure'));
    await expect(bus.settled()).rejects.toThrow('first failure');
    await expect(bus.settled()).resolves.toBeUndefined();
  });
});
