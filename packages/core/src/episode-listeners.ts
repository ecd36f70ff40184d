// Listening to an agent's steps and episode ends, the two events that learners built beside the
// loop (reflection, skills) follow, with one function that stops listening.
import type { EpisodeContext, EpisodeOutcome, StepRecord } from '@worldloop/spec';
import type { AgentEventBus } from './agent-event-bus.js';

/** What to do at each `step-end` and `episode-end` of a bus. */
export interface EpisodeListeners {
  onStep(episode: EpisodeContext, step: StepRecord): void;
  onEnd(episode: EpisodeContext, outcome: EpisodeOutcome): void;
}

/** Listens to `step-end` and `episode-end` of `events`; returns a function that stops listening. */
export function listenToEpisodes(events: AgentEventBus, listeners: EpisodeListeners): () => void {
  const onStep = ({ episode, step }: { episode: EpisodeContext; step: StepRecord }): void => listeners.onStep(episode, step);
  const onEnd = ({ episode, outcome }: { episode: EpisodeContext; outcome: EpisodeOutcome }): void => listeners.onEnd(episode, outcome);
  events.on('step-end', onStep);
  events.on('episode-end', onEnd);
  return () => {
    events.off('step-end', onStep);
    events.off('episode-end', onEnd);
  };
}
