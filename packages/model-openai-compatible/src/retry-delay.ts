// How long to wait before retry number `attempt`: the server's Retry-After when it gave one (seconds
// or an HTTP date), else exponential backoff with jitter; both capped at `maxDelayMs`.

/** Inputs of {@link retryDelayMs}. */
export interface RetryDelayOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** No wait is longer than this, Retry-After included. */
  readonly maxDelayMs: number;
  /** The Retry-After header of the failed response, if any. */
  readonly retryAfter?: string | null;
  /** Uniform random number in [0, 1), for the jitter. */
  readonly random: () => number;
  /** Current time in milliseconds since the epoch, for HTTP-date Retry-After. */
  readonly now: number;
}

/**
 * Milliseconds to wait before retry `attempt` (0 for the first retry). Backoff is
 * `base * 2^attempt` scaled by a random factor in [0.5, 1) ("equal jitter"), so many clients
 * throttled at once do not retry in lockstep.
 */
export function retryDelayMs(attempt: number, options: RetryDelayOptions): number {
  const serverDelay = parseRetryAfterMs(options.retryAfter, options.now);
  if (serverDelay !== undefined) return Math.min(serverDelay, options.maxDelayMs);
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(exponential * (0.5 + options.random() * 0.5));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
