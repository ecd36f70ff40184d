// What each running episode of an agent sees now, kept from the agent's events, for tools that
// need it (a tool call only carries the episode's index). Concurrent episodes are kept apart.
import type { AgentEventBus } from '@worldloop/core';
import type { Environment, Observation, WorldModelView } from '@worldloop/spec';

/**
 * Follows `episode-start`, `step-start` and `episode-end` of the agents it is attached to, and
 * answers with the current observation (and environment) of an episode by its index.
 */
export class AgentSituations {
  private readonly current = new Map<number, { observation: Observation; environment: Environment<any, any> }>();

  /** Starts following an agent's (or runner's) event bus. */
  attach(events: AgentEventBus): this {
    events.on('episode-start', ({ episode, observation }) => this.current.set(episode.episodeIndex, { observation, environment: episode.environment }));
    events.on('step-start', ({ episode, observation }) => this.current.set(episode.episodeIndex, { observation, environment: episode.environment }));
    events.on('episode-end', ({ episode }) => this.current.delete(episode.episodeIndex));
    return this;
  }

  /** What episode `episodeIndex` sees now, if it is running. */
  get(episodeIndex: number): WorldModelView | undefined {
    return this.current.get(episodeIndex);
  }
}
