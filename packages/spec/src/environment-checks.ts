// The checks every environment implementation makes against this contract: integer and boolean
// options, the seed and step limit of a reset, and a snapshot taken from the same environment id in the format it writes.
import type { EnvSnapshot, EnvironmentOptions, ResetOptions } from './environment.js';
import { ConfigError, EnvironmentStateError } from './errors.js';
import { shownValue } from './shown-value.js';

/**
 * `options[name]` when it is an integer in [minimum, maximum], undefined when absent; otherwise a
 * `ConfigError` naming the environment family (`owner`, e.g. `Gridworld`), the option and the value.
 */
export function integerEnvironmentOption(owner: string, options: EnvironmentOptions, name: string, minimum: number, maximum: number): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw new ConfigError(`${owner} option ${name} must be an integer from ${minimum} to ${maximum}; got ${shownValue(value)}.`);
  }
  return value;
}

/**
 * `options[name]` when it is a boolean, undefined when absent; otherwise a `ConfigError` naming the
 * environment family (`owner`), the option and the value.
 */
export function booleanEnvironmentOption(owner: string, options: EnvironmentOptions, name: string): boolean | undefined {
  const value = options[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ConfigError(`${owner} option ${name} must be true or false; got ${shownValue(value)}.`);
}

/**
 * The seed a reset runs on: `options.seed`, or a random one in [0, 2^32) when absent (environments
 * report it in `info.seed`). A seed that is not a safe integer is a `ConfigError`.
 */
export function resetSeed(options: ResetOptions): number {
  const seed = options.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`Seeds must be safe integers; got ${shownValue(seed)}.`);
  return seed;
}

/**
 * The step limit of the episode a reset starts: the environment's own `environmentLimit`, or the
 * caller's `options.maxSteps` when that is smaller (see `ResetOptions.maxSteps`). A `maxSteps` that
 * is not a positive integer is a `ConfigError`.
 */
export function resetStepLimit(options: ResetOptions, environmentLimit: number): number {
  const limit = options.maxSteps;
  if (limit === undefined) return environmentLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new ConfigError(`Reset option maxSteps must be a positive integer (the steps the caller allows); got ${shownValue(limit)}.`);
  }
  return Math.min(limit, environmentLimit);
}

/**
 * The data of `snapshot` once its header is checked against what `restore` of `environmentId`
 * accepts: the same environment id and the snapshot format `version`. Otherwise an
 * `EnvironmentStateError` saying which. The data itself is the environment's to validate.
 */
export function snapshotData(snapshot: EnvSnapshot, environmentId: string, version: number): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw new EnvironmentStateError(`Cannot restore ${shownValue(snapshot)} into ${environmentId}; restore takes a snapshot that an environment's snapshot() returned.`);
  }
  if (snapshot.environmentId !== environmentId) {
    throw new EnvironmentStateError(`Cannot restore a snapshot of ${snapshot.environmentId} into ${environmentId}; restore it into an environment with that id.`);
  }
  if (snapshot.version !== version) {
    throw new EnvironmentStateError(`Snapshot format version ${snapshot.version} is not supported by ${environmentId} (expected ${version}).`);
  }
  return snapshot.data;
}
