// Rejection sampling for level generators: retry a seeded builder until it yields a valid level.
import { ConfigError } from '@worldloop/spec';

/** How many levels a generator may reject before giving up. */
const maximumAttempts = 1000;

/**
 * Calls `attempt` until it returns a level (not undefined). Draws continue from the same
 * generator, so the result is still a function of the seed. Throws `ConfigError` when the
 * settings make valid levels too rare (rooms too small for their objects).
 */
export function generateWithRetries<Level>(taskName: string, attempt: () => Level | undefined): Level {
  for (let index = 0; index < maximumAttempts; index++) {
    const level = attempt();
    if (level !== undefined) return level;
  }
  throw new ConfigError(`Could not generate a solvable ${taskName} level in ${maximumAttempts} attempts; use a larger roomSize.`);
}
