// Turns recorded trajectories into transitions a world model can learn from: consecutive steps give
// (observation, action, next observation); the episode's final observation closes the last step.
import type { EpisodeFilter, EpisodeRecord, Observation, StepRecord, TrajectoryStore, Transition, WorldModel } from '@worldloop/spec';

/**
 * The transitions of one recorded episode, in order. Refused steps (the state did not change) are
 * left out; the action is the one executed (after guards). The last step needs the episode's
 * `finalObservation`; an episode recorded without one (still running, crashed) loses that step.
 */
export async function* episodeTransitions(store: TrajectoryStore, episode: EpisodeRecord): AsyncIterable<Transition<Observation, string>> {
  let previous: StepRecord | undefined;
  for await (const step of store.readSteps(episode.id)) {
    if (previous !== undefined) {
      const transition = transitionOf(previous, step.observation);
      if (transition) yield transition;
    }
    previous = step;
  }
  if (previous !== undefined && episode.finalObservation !== undefined) {
    const transition = transitionOf(previous, episode.finalObservation);
    if (transition) yield transition;
  }
}

function transitionOf(step: StepRecord, nextObservation: Observation): Transition<Observation, string> | undefined {
  if (!step.accepted) return undefined;
  return {
    state: step.observation,
    action: step.executedAction ?? step.action,
    nextState: nextObservation,
    reward: step.reward,
    terminated: step.terminated,
    truncated: step.truncated,
  };
}

/** What `trainFromTrajectories` learned from. */
export interface TrajectoryTrainingSummary {
  readonly episodes: number;
  readonly transitions: number;
}

/** How many episodes one listing asks the store for. */
const PAGE_SIZE = 200;

/**
 * Trains `model` offline on every recorded episode matching `filter` (all of them by default),
 * oldest first, through `update`. Only observation-state models can learn from recordings (a
 * recording holds observations, not snapshots).
 *
 * @example
 * const model = new TabularWorldModel();
 * await trainFromTrajectories(model, store, { environmentId: 'gridworld/GoToLocal-v0' });
 */
export async function trainFromTrajectories(
  model: Pick<WorldModel<Observation, string>, 'update'>,
  store: TrajectoryStore,
  filter: EpisodeFilter = {},
): Promise<TrajectoryTrainingSummary> {
  if (model.update === undefined) throw new TypeError('trainFromTrajectories needs a world model with update().');
  let episodes = 0;
  let transitions = 0;
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  let offset = filter.offset ?? 0;
  while (episodes < limit) {
    const page = await store.listEpisodes({ ...filter, limit: Math.min(PAGE_SIZE, limit - episodes), offset });
    if (page.length === 0) break;
    for (const episode of page) {
      for await (const transition of episodeTransitions(store, episode)) {
        await model.update(transition);
        transitions++;
      }
      episodes++;
    }
    offset += page.length;
  }
  return { episodes, transitions };
}
