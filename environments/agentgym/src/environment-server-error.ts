// The error of an environment reached over the network that failed on its side or on the wire:
// server down, connection lost, timeout, HTTP error, an `{"error"}` answer, an unreadable reply.
import { WorldloopError, type WorldloopErrorOptions } from '@worldloop/spec';

/**
 * A remote environment server that failed: code `environment-server`. The message names the URL,
 * the request and what to do (start the server, check the protocol options). `retryable` says
 * whether the same request may succeed later (connection refused, 5xx); the client has already
 * retried what was safe to retry.
 */
export class EnvironmentServerError extends WorldloopError {
  /** Base URL of the server. */
  readonly url: string;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;

  constructor(url: string, message: string, options: WorldloopErrorOptions & { retryable?: boolean } = {}) {
    super('environment-server', message, { ...options, details: { url, ...options.details } });
    this.url = url;
    this.retryable = options.retryable ?? false;
  }
}
