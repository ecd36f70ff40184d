// Runs writes one after another off the agent loop (event listeners are synchronous), keeping the
// first failure for `settled()` instead of letting it become an unhandled rejection.

/** A serial queue of asynchronous writes with one place to learn whether they all succeeded. */
export class BackgroundWrites {
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;

  /**
   * Runs `write` after every write added before it; skipped once a write has failed. Returns when
   * this write is done, rejecting with its failure (already handled: ignoring it is safe), for
   * `AgentEventBus.waitUntil`.
   */
  add(write: () => Promise<void>): Promise<void> {
    let failed: { readonly error: unknown } | undefined;
    this.queue = this.queue.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await write();
      } catch (error) {
        this.failure = error;
        failed = { error };
      }
    });
    const done = this.queue.then(() => {
      if (failed !== undefined) throw failed.error;
    });
    done.catch(() => undefined);
    return done;
  }

  /** Resolves when every write added so far is done; rejects (once) with the first failure. */
  async settled(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }
}
