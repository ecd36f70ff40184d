// Puts a connection in WAL mode, retrying while another process is doing the same to a fresh file:
// SQLite then answers SQLITE_BUSY at once, without waiting on the busy timeout. Bounded by a deadline.
import type Database from 'better-sqlite3';
import { errorCode } from './error-code.js';

/** How long `switchToWal` keeps trying, and (for tests) how it waits and tells the time. */
export interface SwitchToWalOptions {
  /** Give up, rethrowing the last SQLITE_BUSY, once this many ms have passed since the first try. */
  readonly timeoutMs: number;
  /** Blocks for `durationMs` (default: a synchronous sleep that keeps the thread idle). */
  readonly sleep?: (durationMs: number) => void;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

/** Longest pause between two tries, in ms; the pauses grow 5, 10, 15, ... up to it. */
export const maxWalRetryPauseMs = 50;

/**
 * Runs `PRAGMA journal_mode = WAL` and returns the mode the connection is in afterwards (`wal`, or
 * the old mode where WAL is unsupported, `memory` for in-memory databases).
 *
 * Why it retries: the switch reads the file header and then upgrades to a write lock in the same
 * statement. When two connections do that on a fresh file at the same moment, SQLite refuses the
 * upgrade with SQLITE_BUSY at once (to avoid a deadlock) instead of calling the busy handler, so
 * `busy_timeout` does not help. The refused statement has released its locks, so trying again
 * succeeds once the other connection is done. Only SQLITE_BUSY (and its extended codes) is retried;
 * any other error, or SQLITE_BUSY past `timeoutMs`, is thrown as it came.
 */
export function switchToWal(database: Pick<Database.Database, 'pragma'>, options: SwitchToWalOptions): string {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepSync;
  const deadline = now() + options.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return String(database.pragma('journal_mode = WAL', { simple: true }));
    } catch (error) {
      const left = deadline - now();
      if (!errorCode(error)?.startsWith('SQLITE_BUSY') || left <= 0) throw error;
      sleep(Math.min(maxWalRetryPauseMs, 5 * attempt, left));
    }
  }
}

/** Blocks the thread for `durationMs` without spinning (the opener is synchronous, like better-sqlite3). */
function sleepSync(durationMs: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, durationMs);
}
