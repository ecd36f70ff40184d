// Turns a failure inside an SQLite-backed store into a StoreError that says what failed, on which
// file, and what to do (advice by error code). Errors worldloop threw on purpose pass through.
import { StoreError, WorldloopError } from '@worldloop/spec';
import { errorCode } from './error-code.js';
import { failureReason } from './failure-reason.js';
import { adviceFor, type SqliteAdvice } from './sqlite-advice.js';

/** How a store words its failures. */
export interface StoreFailureOptions {
  /** The store in messages: `trajectory store` gives "Could not … in trajectory store <path>". */
  readonly label: string;
  /** The store's own advice by code, consulted before the shared `sqliteAdvice`. */
  readonly adviceByCode?: SqliteAdvice;
  /** Advice for this one failure; replaces the advice of the code. */
  readonly advice?: string;
}

/**
 * Wraps `cause` in a StoreError: "Could not <operation> in <label> <location>: <cause>. <advice>"
 * (advice only where there is one). `details` has `path` and, when the cause has one, `errorCode`;
 * the cause is kept. A WorldloopError (a StoreError about bad input, a ConfigError) is returned
 * unchanged: it already says what is wrong.
 */
export function storeFailure(operation: string, location: string, cause: unknown, options: StoreFailureOptions): WorldloopError {
  if (cause instanceof WorldloopError) return cause;
  const code = errorCode(cause);
  const advice = options.advice ?? adviceFor(cause, options.adviceByCode);
  const message = `Could not ${operation} in ${options.label} ${location}: ${failureReason(cause)}.`;
  return new StoreError(advice === undefined ? message : `${message} ${advice}`, {
    cause,
    details: code === undefined ? { path: location } : { path: location, errorCode: code },
  });
}
