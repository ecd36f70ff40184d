// The StoreError for a failed group commit of buffered steps: how many steps were lost, of which
// episodes, why, and what to do. The cause is kept; advice comes by SQLite code as for other failures.
import { StoreError } from '@worldloop/spec';
import { adviceFor, errorCode, failureReason } from '@worldloop/sqlite';
import { trajectoryFailure } from './trajectory-failure.js';

/** A step that was appended but not committed: enough to say which one was lost. */
export interface LostStep {
  readonly episodeId: number;
  readonly stepIndex: number;
}

/**
 * The StoreError for a group commit that failed: "The group commit of buffered steps to trajectory
 * store <location> failed; <n> steps were lost (episode 3: steps 10 to 17): <cause>. <advice>".
 * `details` carries `lostSteps` (the count) and `lostEpisodeIds`.
 */
export function groupCommitFailure(location: string, lost: readonly LostStep[], cause: unknown): StoreError {
  const code = errorCode(cause);
  const advice =
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
      ? 'Another connection recorded the same step; record each episode through one store.'
      : adviceFor(cause, trajectoryFailure.adviceByCode);
  const episodes = new Map<number, number[]>();
  for (const { episodeId, stepIndex } of lost) {
    const indices = episodes.get(episodeId) ?? [];
    indices.push(stepIndex);
    episodes.set(episodeId, indices);
  }
  const which = [...episodes].map(([episodeId, indices]) => `episode ${episodeId}: ${describeIndices(indices)}`).join('; ');
  const count = lost.length === 1 ? '1 step was' : `${lost.length} steps were`;
  const message =
    `The group commit of buffered steps to trajectory store ${location} failed; ${count} lost (${which}): ${failureReason(cause)}.` +
    (advice === undefined ? '' : ` ${advice}`) +
    ' Those episodes are incomplete on disk; re-run them from their seeds.';
  return new StoreError(message, {
    cause,
    details: {
      path: location,
      ...(code === undefined ? {} : { errorCode: code }),
      lostSteps: lost.length,
      lostEpisodeIds: [...episodes.keys()],
    },
  });
}

/** `step 4`, `steps 10 to 17`, or `3 steps between 2 and 9` when they are not consecutive. */
function describeIndices(indices: readonly number[]): string {
  const first = indices.reduce((low, index) => Math.min(low, index));
  const last = indices.reduce((high, index) => Math.max(high, index));
  if (indices.length === 1) return `step ${first}`;
  return last - first + 1 === indices.length ? `steps ${first} to ${last}` : `${indices.length} steps between ${first} and ${last}`;
}
