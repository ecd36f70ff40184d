// The error hierarchy: one base class with a stable `code` and a `cause`, one subclass per concern.
// Model-side mistakes (invalid actions, bad tool arguments) are caught by the loop and fed back;
// programmer-side mistakes (bad config, broken stores) propagate.

/** Options every worldloop error accepts. */
export interface WorldloopErrorOptions {
  /** The underlying error, kept for diagnosis. */
  cause?: unknown;
  /** Structured details (the offending value, the valid choices) for programs that handle the error. */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error worldloop throws on purpose. `code` is stable and machine-readable
 * (`invalid-action`, `tool-input`, ...); the message says what was wrong and what to do.
 */
export class WorldloopError extends Error {
  /** Stable, machine-readable code of the concern. */
  readonly code: string;
  /** Structured details for programs (never needed to understand the message). */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: WorldloopErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** An action the environment does not accept in its current state. The state is unchanged. */
export class InvalidActionError extends WorldloopError {
  /** The action as it was given. */
  readonly action: unknown;
  constructor(action: unknown, reason: string, options: WorldloopErrorOptions = {}) {
    super('invalid-action', `Invalid action ${JSON.stringify(action)}: ${reason}`, options);
    this.action = action;
  }
}

/** Arguments of a tool call that do not match the tool's input schema, or a tool that does not exist. */
export class ToolInputError extends WorldloopError {
  constructor(message: string, options: WorldloopErrorOptions = {}) {
    super('tool-input', message, options);
  }
}

/** A tool that failed while executing (threw, timed out, or was not permitted). */
export class ToolExecutionError extends WorldloopError {
  constructor(code: 'tool-failed' | 'tool-timeout' | 'tool-denied', message: string, options: WorldloopErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A language-model backend that failed: transport, HTTP status, unparseable response. */
export class ModelBackendError extends WorldloopError {
  constructor(message: string, options: WorldloopErrorOptions & { retryable?: boolean } = {}) {
    super('model-backend', message, options);
    this.retryable = options.retryable ?? false;
  }
  /** Whether trying the same request again may succeed (429, 5xx, connection reset). */
  readonly retryable: boolean;
}

/** A store (trajectories, memory) that cannot be opened, migrated, read or written. */
export class StoreError extends WorldloopError {
  constructor(message: string, options: WorldloopErrorOptions = {}) {
    super('store', message, options);
  }
}

/** Configuration that is wrong: an unknown environment id, a bad option value. */
export class ConfigError extends WorldloopError {
  constructor(message: string, options: WorldloopErrorOptions = {}) {
    super('config', message, options);
  }
}

/** An environment used against its contract: step before reset, step after the episode ended. */
export class EnvironmentStateError extends WorldloopError {
  constructor(message: string, options: WorldloopErrorOptions = {}) {
    super('environment-state', message, options);
  }
}

/** A run or episode stopped by its abort signal. */
export class AbortedError extends WorldloopError {
  constructor(message = 'Aborted', options: WorldloopErrorOptions = {}) {
    super('aborted', message, options);
  }
}
