// A policy that picks uniformly among actions the environment accepts now, seeded per episode from
// the episode's seed so runs reproduce. By default it draws from the primitive actions where the
// space has them (the usual random baseline), else from the listed valid actions.
import { ConfigError, type ActionSpace, type Decision, type EpisodeContext, type EpisodePolicy, type Policy } from '@worldloop/spec';
import { SeededRandom } from './seeded-random.js';

/** Which actions a `RandomPolicy` draws from. */
export type RandomActionLevel = 'primitive' | 'valid';

/** Options of `RandomPolicy`. */
export interface RandomPolicyOptions<Act> {
  /**
   * `primitive` (default): `actionSpace.primitiveActions()` when the space has them, else the valid
   * actions. `valid`: every action `actionSpace.validActions()` lists, higher-level commands included.
   */
  readonly level?: RandomActionLevel;
  /** Keeps only some of the candidate actions. */
  readonly filter?: (action: Act) => boolean;
  /** Mixed into the episode seed so two random policies in one run differ. */
  readonly salt?: number;
}

/**
 * Uniform over the candidate actions of the current state. Needs an action space that lists its
 * actions; otherwise the first decision throws a `ConfigError` (the episode fails, the run goes on).
 */
export class RandomPolicy<Act = string> implements Policy<any, Act> {
  readonly name: string;
  constructor(private readonly options: RandomPolicyOptions<Act> = {}) {
    this.name = options.level === 'valid' ? 'random-valid' : 'random';
  }

  begin(episode: EpisodeContext): EpisodePolicy<any, Act> {
    const random = new SeededRandom((episode.seed ^ (0x5eed + (this.options.salt ?? 0))) >>> 0);
    const { filter, level = 'primitive' } = this.options;
    return {
      decide: async ({ actionSpace }): Promise<Decision<Act>> => {
        const all = candidates(actionSpace, level, episode.environmentId);
        const choices = filter ? all.filter(filter) : all;
        if (choices.length === 0) throw new ConfigError(`RandomPolicy found no action to choose from in ${episode.environmentId}.`);
        return { action: random.pick(choices) };
      },
    };
  }
}

function candidates<Act>(actionSpace: ActionSpace<Act>, level: RandomActionLevel, environmentId: string): readonly Act[] {
  if (level === 'primitive' && actionSpace.primitiveActions) return actionSpace.primitiveActions();
  if (actionSpace.validActions) return actionSpace.validActions();
  throw new ConfigError(`RandomPolicy needs an environment that lists its actions; ${environmentId} does not.`);
}
