// A TrajectoryStore that keeps nothing and accepts everything, with any method replaced: for tests of
// what the loop and its observers do when one store call fails or must be watched (use the SQLite
// store for anything that reads back what was written).
import type { EpisodeRecord, RunRecord, TrajectoryStore } from '@worldloop/spec';

/**
 * A store whose runs are numbered from 1 and episodes from 1, whose writes succeed and are
 * forgotten, and whose reads find nothing, with `overrides` in place of any method.
 *
 * @example
 * const store = stubTrajectoryStore({ endEpisode: async () => { throw new StoreError('the disk is full'); } });
 */
export function stubTrajectoryStore(overrides: Partial<TrajectoryStore> = {}): TrajectoryStore {
  let runs = 0;
  let episodes = 0;
  return {
    createRun: async (run) => ({ ...run, id: ++runs, status: 'running', startedAt: 0 }) as RunRecord,
    endRun: async () => {},
    startEpisode: async (episode) => ({ ...episode, id: ++episodes, status: 'running', startedAt: 0 }) as EpisodeRecord,
    appendStep: async () => {},
    endEpisode: async () => {},
    flush: async () => {},
    getRun: async () => undefined,
    listRuns: async () => [],
    getEpisode: async () => undefined,
    listEpisodes: async () => [],
    readSteps: async function* () {},
    close: async () => {},
    ...overrides,
  };
}
