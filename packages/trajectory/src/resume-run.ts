// Prepares a recorded run to be continued: refuses a run a live process still writes, claims it,
// ends its interrupted episodes as `aborted`, and lists the episode indices left to run.
import { ConfigError, type RunRecord, type TrajectoryStore } from '@worldloop/spec';
import { WriterProcess } from './writer-process.js';

/** A run ready to be continued by the Runner (`runId` and `episodeIndices` options). */
export interface RunResume {
  /** The run as claimed (status `running`, writer this process), or as found when nothing is left. */
  readonly run: RunRecord;
  /** Indices to (re-)run, ascending, each from `deriveSeed(run.baseSeed, index)`; empty when none is left. */
  readonly pendingEpisodeIndices: readonly number[];
  /** Episodes that were `running` when their writer died, now ended as `aborted`. */
  readonly abortedEpisodes: number;
  /** Whether the run was already `finished` when found: nothing was changed. */
  readonly alreadyFinished: boolean;
}

/**
 * Gets run `runId` of `store` ready to be continued by this process (`writer`, default the current
 * process):
 *
 * - a run with status `running` whose writer still runs is refused with ConfigError naming it
 *   (resuming under a live writer would record its episodes twice); see WriterProcess for how
 *   liveness is judged. A run recorded without a writer (older versions) counts as dead.
 * - a `finished` run is left as it is (`alreadyFinished`, nothing pending);
 * - otherwise (`running` with a dead writer, `aborted`, `failed`) the run is claimed for `writer`
 *   (compare-and-swap: of two resumes racing, one wins and the other rejects with StoreError), its
 *   `running` episodes are ended as `aborted` with the reason as error, and the indices that no
 *   attempt completed (ended `finished` or `failed`) are listed. When none is left the run is ended
 *   as `finished` here.
 *
 * Rejects with ConfigError when the run does not exist or the store cannot resume runs.
 */
export async function resumeRun(store: TrajectoryStore, runId: number, writer: WriterProcess = WriterProcess.current()): Promise<RunResume> {
  if (store.claimRun === undefined || store.abortRunningEpisodes === undefined || store.listPendingEpisodeIndices === undefined) {
    throw new ConfigError(`This trajectory store cannot resume runs (it lacks claimRun, abortRunningEpisodes or listPendingEpisodeIndices); use SqliteTrajectoryStore.`);
  }
  const found = await store.getRun(runId);
  if (found === undefined) {
    const latest = (await store.listRuns({ limit: 1 }))[0];
    throw new ConfigError(
      `Run ${runId} does not exist${latest === undefined ? ': no run is recorded there yet' : `; the latest run is ${latest.id}`}. List runs with \`worldloop stats\` or \`worldloop episodes\`.`,
      { details: { runId } },
    );
  }
  if (found.status === 'finished') return { run: found, pendingEpisodeIndices: [], abortedEpisodes: 0, alreadyFinished: true };
  const previous = WriterProcess.parse(found.writer);
  if (found.status === 'running' && previous !== undefined && previous.isAlive()) {
    throw new ConfigError(
      `Run ${runId} is still being recorded by a live process (${previous.describe()}); resuming it now would record its episodes twice. Wait for that process to end, or stop it, then resume.`,
      { details: { runId, writer: found.writer ?? null } },
    );
  }
  const run = await store.claimRun(runId, {
    writer: writer.toString(),
    ...(found.writer !== undefined ? { previousWriter: found.writer } : {}),
    previousStatus: found.status,
  });
  const cause = found.status === 'running' ? `the process recording the run (${previous?.describe() ?? 'unknown'}) died` : `the run ended as ${found.status}`;
  const abortedEpisodes = await store.abortRunningEpisodes(runId, `interrupted: ${cause} before the episode ended; re-run from its seed by a resume (${writer.describe()})`);
  const pendingEpisodeIndices = await store.listPendingEpisodeIndices(runId);
  if (pendingEpisodeIndices.length === 0) await store.endRun(runId, 'finished');
  return { run, pendingEpisodeIndices, abortedEpisodes, alreadyFinished: false };
}
