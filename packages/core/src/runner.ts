// Runs N episodes with at most `concurrency` in flight, each with its own environment instance,
// seeds derived deterministically from a base seed, progress reported as events. An episode that
// fails is recorded and counted; the run goes on. A store failure or an abort stops the run.
import { setMaxListeners } from 'node:events';
import {
  ConfigError,
  type Environment,
  type JsonValue,
  type Observation,
  type RunProgress,
  type RunStatus,
  type VectorEnvironment,
  WorldloopError,
} from '@worldloop/spec';
import type { Agent, EpisodeResult } from './agent.js';
import { deriveSeed } from './seeded-random.js';
import { VectorEnvironmentPool } from './vector-environment-pool.js';

/** Options of a run. */
export interface RunOptions<Obs extends Observation = Observation, Act = string> {
  /**
   * Makes a fresh environment; called once per concurrent slot, instances are reused across episodes.
   * Give this or `createVectorEnvironment`.
   */
  readonly createEnvironment?: () => Environment<Obs, Act>;
  /**
   * Makes a vector environment of `size` instances (one per concurrent slot), used instead of
   * `createEnvironment`: each slot runs its episodes on its own instance, and the steps the slots
   * ask for together go out in one `stepMany` call (see `VectorEnvironmentPool`), which pays off
   * when the policy answers many episodes at once (a synchronous or batching policy). Seeds and
   * results are those of the plain path.
   */
  readonly createVectorEnvironment?: (size: number) => VectorEnvironment<Obs, Act>;
  /** Number of episodes (at least 1); with `runId`, the run's episodes requested. */
  readonly episodes: number;
  /**
   * Which episode indices to run, each in [0, episodes) and distinct (default: all, in order).
   * A resume runs the indices no attempt completed; each keeps its seed `deriveSeed(baseSeed, index)`.
   */
  readonly episodeIndices?: readonly number[];
  /**
   * An existing run to record into instead of creating one (a resume): the caller has claimed it
   * (status `running`); the runner ends it as usual. Needs a store on the agent.
   */
  readonly runId?: number;
  /** Episodes in flight at once (default 1). */
  readonly concurrency?: number;
  /** Seed of the run; episode i gets `deriveSeed(baseSeed, i)` (default 0). */
  readonly baseSeed?: number;
  /** Step limit per episode; the agent's or the environment's when absent. */
  readonly maxSteps?: number;
  /** Stops the run: no new episode starts, episodes in flight end as `aborted`. */
  readonly signal?: AbortSignal;
  /** What to record with the run so it can be repeated (CLI flags, model spec). */
  readonly config?: JsonValue;
  /** Version string recorded with the run. */
  readonly worldloopVersion?: string;
  readonly gitCommit?: string;
  /** The process writing a new run, recorded with it (`NewRun.writer`) so a resume can tell whether it still runs. */
  readonly writer?: string;
  /** How often `run-progress` is emitted at most, in milliseconds (default 250; every episode end when 0). */
  readonly progressIntervalMs?: number;
  /**
   * Episodes in a row that may fail (status `failed`: an environment or backend that cannot be
   * reached, a policy that throws) before the run stops (default 10; `Infinity` never stops). The
   * episodes in flight then end as aborted, the run as failed with a `WorldloopError`
   * (`consecutive-failures`), and what was not run is left for a resume, rather than every remaining
   * episode failing in turn against a server that is down.
   */
  readonly maxConsecutiveFailures?: number;
}

/** Episodes in a row that may fail before a run stops, unless `maxConsecutiveFailures` says otherwise. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

/** Figures of a finished run. Success rate counts episodes whose environment reported success. */
export interface RunSummary {
  readonly runId?: number;
  readonly environmentId: string;
  readonly policy: string;
  readonly status: Exclude<RunStatus, 'running'>;
  /** Results in episode-index order, aborted episodes included. */
  readonly episodes: readonly EpisodeResult[];
  /** The rates and means below are over episodes that were not aborted. */
  readonly successRate: number;
  readonly meanReward: number;
  readonly meanSteps: number;
  readonly invalidActions: number;
  readonly failedEpisodes: number;
  readonly totalSteps: number;
  readonly elapsedMs: number;
  readonly stepsPerSecond: number;
}

/** Runs many episodes of one agent. */
export class Runner<Obs extends Observation = Observation, Act = string> {
  constructor(private readonly agent: Agent<Obs, Act>) {}

  /**
   * Runs the episodes and returns their summary; rejects only on store failures and bad options.
   * The run ends (`endRun`, `run-end`) once the work listeners handed to the bus's `waitUntil` is
   * done (reflections and skills being written); a failure of that work fails the run.
   */
  async run(options: RunOptions<Obs, Act>): Promise<RunSummary> {
    const episodes = options.episodes;
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(episodes) || episodes < 1) throw new ConfigError(`episodes must be a positive integer, got ${episodes}.`);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`concurrency must be a positive integer, got ${concurrency}.`);
    if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) throw new ConfigError(`maxSteps must be a positive integer, got ${options.maxSteps}.`);
    const limit = options.maxConsecutiveFailures;
    if (limit !== undefined && !(limit === Infinity || (Number.isInteger(limit) && limit >= 1))) {
      throw new ConfigError(`maxConsecutiveFailures must be a positive integer or Infinity, got ${limit}.`);
    }
    const indices = options.episodeIndices ?? Array.from({ length: episodes }, (_, index) => index);
    if (options.episodeIndices !== undefined) checkEpisodeIndices(options.episodeIndices, episodes);
    const baseSeed = options.baseSeed ?? 0;
    const events = this.agent.events;
    const store = this.agent.store;
    if (options.runId !== undefined && store === undefined) throw new ConfigError(`runId ${options.runId} was given but the agent has no trajectory store to record into; give the Agent a store.`);
    const toRun = indices.length;
    const slots = Math.min(concurrency, toRun);
    const environments = createSlotEnvironments(options, slots);
    const environmentId = environments[0]!.id;

    let run: { readonly id: number } | undefined;
    try {
      run = options.runId !== undefined
        ? { id: options.runId }
        : store
        ? await store.createRun({
            environmentId,
            policy: this.agent.policy.name,
            episodesRequested: episodes,
            baseSeed,
            concurrency,
            ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
            config: options.config ?? null,
            worldloopVersion: options.worldloopVersion ?? 'unknown',
            ...(options.gitCommit !== undefined ? { gitCommit: options.gitCommit } : {}),
            ...(options.writer !== undefined ? { writer: options.writer } : {}),
          })
        : undefined;
    } catch (error) {
      // No run to end: the environments made for it are closed (a failure to close is beside the point).
      await Promise.allSettled(environments.map((environment) => environment.close()));
      throw error;
    }
    const runId = run?.id;
    events.emit('run-start', { ...(runId !== undefined ? { runId } : {}), episodesRequested: toRun });

    const startedAt = performance.now();
    const results: EpisodeResult[] = new Array(episodes);
    let next = 0;
    let inFlight = 0;
    let finished = 0;
    let successes = 0;
    let stepsTaken = 0;
    let lastProgressAt = -Infinity;
    const progressIntervalMs = options.progressIntervalMs ?? 250;
    const progress = (): RunProgress => ({
      episodesRequested: toRun,
      episodesFinished: finished,
      episodesInFlight: inFlight,
      successes,
      stepsTaken,
      elapsedMs: performance.now() - startedAt,
    });

    // One worker's failure (a store that cannot write) stops the others before anything is closed.
    const stop = new AbortController();
    // Every episode in flight shares this signal and hands it to its model calls and tools, each of
    // which may listen on it: at concurrency > 10 Node's leak warning would be a false alarm.
    setMaxListeners(0, stop.signal);
    const onOuterAbort = (): void => stop.abort(options.signal?.reason);
    if (options.signal?.aborted) stop.abort(options.signal.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const maxConsecutiveFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    let consecutiveFailures = 0;
    const worker = async (environment: Environment<Obs, Act>): Promise<void> => {
      while (next < toRun && !stop.signal.aborted) {
        await new Promise((resolve) => setImmediate(resolve)); // let signals and I/O in between episodes
        if (next >= toRun || stop.signal.aborted) break;
        const episodeIndex = indices[next++]!;
        inFlight++;
        const result = await this.agent.runEpisode(environment, {
          seed: deriveSeed(baseSeed, episodeIndex),
          episodeIndex,
          ...(runId !== undefined ? { runId } : {}),
          signal: stop.signal,
          ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
        });
        inFlight--;
        results[episodeIndex] = result;
        finished++;
        if (result.outcome.success) successes++;
        stepsTaken += result.outcome.stepCount;
        if (result.outcome.status === 'failed') consecutiveFailures++;
        else if (result.outcome.status === 'finished') consecutiveFailures = 0;
        if (consecutiveFailures >= maxConsecutiveFailures && !stop.signal.aborted) {
          throw new WorldloopError(
            'consecutive-failures',
            `${consecutiveFailures} episodes in a row failed (the last: ${result.outcome.error ?? 'no message'}); the run stops here so the rest is not spent the same way. Fix the cause, then resume the run.`,
            { details: { consecutiveFailures, lastError: result.outcome.error ?? null } },
          );
        }
        const now = performance.now();
        if (now - lastProgressAt >= progressIntervalMs || finished === toRun) {
          lastProgressAt = now;
          events.emit('run-progress', progress());
        }
      }
    };

    let status: Exclude<RunStatus, 'running'> = 'finished';
    try {
      const outcomes = await Promise.allSettled(environments.map((environment) => worker(environment).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      })));
      const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failure) throw failure.reason;
      // What listeners still write off the loop (reflections, skills) belongs to the run: wait for it.
      await events.settled();
      if (options.signal?.aborted) status = 'aborted';
    } catch (error) {
      status = 'failed';
      events.emit('error', { error: error instanceof Error ? error : new Error(String(error)) });
      await events.settled().catch(() => undefined); // the first failure is the one reported
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      // An environment that fails to close is reported; the run still ends, recorded and announced.
      const closes = await Promise.allSettled(environments.map((environment) => environment.close()));
      for (const close of closes) {
        if (close.status === 'rejected') {
          const reason = close.reason instanceof Error ? close.reason.message : String(close.reason);
          events.emit('error', { error: new Error(`an environment failed to close: ${reason}`, { cause: close.reason }) });
        }
      }
      if (runId !== undefined) await store!.endRun(runId, status).catch(() => undefined);
      const finalProgress = progress();
      events.emit('run-end', { ...(runId !== undefined ? { runId } : {}), progress: finalProgress, status });
    }

    const ran = results.filter((result): result is EpisodeResult => result !== undefined);
    // Episodes cut short by an abort say nothing about the policy: they are listed, not averaged.
    const done = ran.filter((result) => result.outcome.status !== 'aborted');
    const elapsedMs = performance.now() - startedAt;
    const count = Math.max(done.length, 1);
    return {
      ...(runId !== undefined ? { runId } : {}),
      environmentId,
      policy: this.agent.policy.name,
      status,
      episodes: ran,
      successRate: done.filter((result) => result.outcome.success).length / count,
      meanReward: done.reduce((sum, result) => sum + result.outcome.totalReward, 0) / count,
      meanSteps: done.reduce((sum, result) => sum + result.outcome.stepCount, 0) / count,
      invalidActions: done.reduce((sum, result) => sum + result.outcome.invalidActionCount, 0),
      failedEpisodes: done.filter((result) => result.outcome.status === 'failed').length,
      totalSteps: stepsTaken,
      elapsedMs,
      stepsPerSecond: (stepsTaken / elapsedMs) * 1000,
    };
  }
}

/** One environment per slot: made by `createEnvironment`, or the slots of a pool over one vector environment. */
function createSlotEnvironments<Obs extends Observation, Act>(options: RunOptions<Obs, Act>, slots: number): Environment<Obs, Act>[] {
  const { createEnvironment, createVectorEnvironment } = options;
  if ((createEnvironment === undefined) === (createVectorEnvironment === undefined)) {
    throw new ConfigError('Give the runner exactly one of createEnvironment and createVectorEnvironment.');
  }
  if (createEnvironment !== undefined) {
    const made: Environment<Obs, Act>[] = [];
    try {
      for (let slot = 0; slot < slots; slot++) made.push(createEnvironment());
    } catch (error) {
      // Those made before the failure are closed, not left holding their processes or connections.
      for (const environment of made) void Promise.resolve().then(() => environment.close()).catch(() => undefined);
      throw error;
    }
    return made;
  }
  const vector = createVectorEnvironment!(slots);
  if (vector.size !== slots) {
    void vector.close();
    throw new ConfigError(`createVectorEnvironment(${slots}) made ${vector.id} with ${vector.size} instances; it must make exactly the size asked for.`);
  }
  return [...new VectorEnvironmentPool(vector).environments];
}

/** Refuses episode indices outside [0, episodes), repeated, or none at all. */
function checkEpisodeIndices(indices: readonly number[], episodes: number): void {
  if (indices.length === 0) throw new ConfigError('episodeIndices is empty: there is nothing to run; leave it out to run every episode.');
  const seen = new Set<number>();
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= episodes) {
      throw new ConfigError(`episodeIndices holds ${index}, outside 0 to ${episodes - 1} (episodes is ${episodes}).`);
    }
    if (seen.has(index)) throw new ConfigError(`episodeIndices holds ${index} twice; run each episode index once.`);
    seen.add(index);
  }
}
