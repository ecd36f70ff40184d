// The deterministic train / validation split: a hash of the episode's task identity (environment
// and seed), never a random draw, so re-exports agree and one task never lands on both sides.
import { createHash } from 'node:crypto';
import { ConfigError } from '@worldloop/spec';

/** Which file of an export a row goes to. */
export type DatasetSplit = 'train' | 'validation';

/** What identifies an episode's task: episodes of other runs with the same seed replay the same task. */
export interface TaskIdentity {
  readonly environmentId: string;
  readonly seed: number;
}

/**
 * `validation` for a share `validationFraction` (0 to 1) of task identities, `train` for the rest.
 * The position of a task is the first 32 bits of SHA-256 of "environmentId\0seed" over 2^32, so the
 * same episode always falls on the same side, and the expert's and the model's episodes of one seed
 * (the same task) fall together: nothing learnt on a task is validated on that task.
 */
export function datasetSplit(task: TaskIdentity, validationFraction: number): DatasetSplit {
  if (validationFraction <= 0) return 'train';
  const digest = createHash('sha256').update(`${task.environmentId}\u0000${task.seed}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < validationFraction ? 'validation' : 'train';
}

/** Checks a validation fraction: a number from 0 (no validation file) up to, not including, 1. */
export function requireValidationFraction(validationFraction: number): void {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new ConfigError(`The validation fraction is ${String(validationFraction)}; give a number from 0 (no validation file) to below 1, e.g. 0.1.`);
  }
}
