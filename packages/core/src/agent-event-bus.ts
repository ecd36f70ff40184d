// The typed event bus of an agent and its runner (eventemitter3): how recorders, progress
// displays and tests observe a run. Listeners run synchronously; a throwing listener is reported
// as an `error` event, never breaks the loop. Work a listener starts off the loop (a reflection
// being written) is handed to `waitUntil`, and the run's end awaits it through `settled()`.
import { EventEmitter } from 'eventemitter3';
import type { AgentEvents } from '@worldloop/spec';

/** Emits the events of `AgentEvents` with typed payloads, and keeps track of listeners' pending work. */
export class AgentEventBus extends EventEmitter<AgentEvents> {
  private readonly pending = new Set<Promise<unknown>>();
  private failure: { readonly error: unknown } | undefined;

  /**
   * Registers work a listener started and did not await (listeners are synchronous), so that the
   * end of a run waits for it: the `Runner` awaits `settled()` before it ends the run, so nothing
   * is lost when the process then exits. The loop itself never waits. A rejection is kept for
   * `settled()`, never left unhandled.
   */
  waitUntil(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /**
   * Resolves when every work given to `waitUntil` so far (and any added meanwhile) is done; rejects,
   * once, with the first failure among them.
   */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure.error;
  }
}
