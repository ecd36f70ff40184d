// A policy that asks the environment's own expert (for example the gridworld's BFS bot). It is
// privileged: it reads the true state through the environment, so it is a reference, not an agent.
import { ConfigError, type Decision, type EpisodeContext, type EpisodePolicy, type Policy } from '@worldloop/spec';

/** Delegates every decision to `environment.expertAction()`. */
export class ExpertPolicy<Act = string> implements Policy<any, Act> {
  readonly name = 'expert';

  begin(episode: EpisodeContext): EpisodePolicy<any, Act> {
    const environment = episode.environment;
    if (typeof environment.expertAction !== 'function') {
      throw new ConfigError(`Environment ${episode.environmentId} has no expert; use another policy (random, llm).`);
    }
    return {
      decide: async (): Promise<Decision<Act>> => {
        const action = environment.expertAction!() as Act | undefined;
        if (action === undefined) {
          throw new ConfigError(`The expert of ${episode.environmentId} has no action in this state.`);
        }
        return { action };
      },
    };
  }
}
