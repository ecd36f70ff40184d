// A policy that picks uniformly among the actions the environment lists as valid, seeded per
// episode from the episode's seed so runs reproduce.
import { ConfigError, type Decision, type EpisodeContext, type EpisodePolicy, type Policy } from '@worldloop/spec';
import { SeededRandom } from './seeded-random.js';

/** Options of `RandomPolicy`. */
export interface RandomPolicyOptions<Act> {
  /** Keeps only some valid actions (for example primitive moves, not text commands). */
  readonly filter?: (action: Act) => boolean;
  /** Mixed into the episode seed so two random policies in one run differ. */
  readonly salt?: number;
}

/**
 * Uniform over `actionSpace.validActions()`. Needs an environment whose action space can list
 * its valid actions; otherwise the first decision throws a `ConfigError`.
 */
export class RandomPolicy<Act = string> implements Policy<any, Act> {
  readonly name = 'random';
  constructor(private readonly options: RandomPolicyOptions<Act> = {}) {}

  begin(episode: EpisodeContext): EpisodePolicy<any, Act> {
    const random = new SeededRandom((episode.seed ^ (0x5eed + (this.options.salt ?? 0))) >>> 0);
    const filter = this.options.filter;
    return {
      decide: async ({ actionSpace }): Promise<Decision<Act>> => {
        if (!actionSpace.validActions) {
          throw new ConfigError(`RandomPolicy needs an environment that lists its valid actions; ${episode.environmentId} does not.`);
        }
        const all = actionSpace.validActions();
        const candidates = filter ? all.filter(filter) : all;
        if (candidates.length === 0) throw new ConfigError(`RandomPolicy found no valid action to choose from in ${episode.environmentId}.`);
        return { action: random.pick(candidates) };
      },
    };
  }
}
