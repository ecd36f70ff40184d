// TrajectoryStore on one SQLite file: WAL, synchronous=NORMAL, busy_timeout 5000 ms, foreign keys on.
// Steps are group-committed: a killed process loses at most the steps appended since the last commit
// (fewer than `groupCommitSteps`, default 32), all of episodes not yet ended; every ended episode is
// complete on disk. Every other write is committed before its promise resolves. OS crash or power
// loss may also lose the last commits (synchronous=NORMAL).
import type Database from 'better-sqlite3';
import { StoreError, type WorldloopError } from '@worldloop/spec';
import { errorCode, openSqliteDatabase, runMigrations, storeFailure, type SqliteDatabaseSource } from '@worldloop/sqlite';
import type {
  RunClaim,
  EpisodeFilter,
  EpisodeOutcome,
  EpisodeRecord,
  EpisodeStatus,
  NewEpisode,
  NewRun,
  RunRecord,
  RunStatus,
  StepRecord,
  TrajectoryStore,
} from '@worldloop/spec';
import { episodeStatistics, type EpisodeStatistics, type EpisodeStatisticsFilter } from './episode-statistics.js';
import { episodeFromRow, newEpisodeParameters, outcomeParameters, type EpisodeRow } from './episode-row.js';
import { groupCommitFailure, type LostStep } from './group-commit-failure.js';
import { runFromRow, runParameters, type RunRow } from './run-row.js';
import { stepFromRow, stepParameters, type StepRow } from './step-row.js';
import { trajectoryFailure } from './trajectory-failure.js';
import { trajectorySchema } from './trajectory-schema.js';

/** Where the store keeps its data: a file path, or a better-sqlite3 connection you opened. */
export type SqliteTrajectoryStoreOptions = SqliteDatabaseSource & {
  /** Clock for `startedAt`/`endedAt`, in ms since the epoch (for deterministic tests). */
  readonly now?: () => number;
  /**
   * Most steps buffered before they are committed in one transaction (default 32). Buffered steps
   * are also committed on the next turn of the event loop, by every other method, and by `flush()`.
   * A killed process loses fewer than this many appended steps; 1 commits every step on its own.
   */
  readonly groupCommitSteps?: number;
};

/** Steps buffered before a group commit when `groupCommitSteps` is not given. */
export const defaultGroupCommitSteps = 32;

/** Steps read per query by `readSteps`: bounds its memory, keeps no cursor open between pages. */
const stepPageSize = 256;

/** A step appended but not committed yet: its insert parameters, serialised when it was appended. */
interface BufferedStep extends LostStep {
  readonly parameters: Record<string, string | number | null>;
}

/** What one group transaction did: the buffered steps SQLite refused, and how the write committed with them went. */
interface GroupOutcome {
  readonly refused: readonly { readonly step: BufferedStep; readonly error: unknown }[];
  readonly write: { readonly value: unknown } | { readonly error: unknown };
}

const episodeColumns =
  'id, run_id, episode_index, attempt, seed, environment_id, mission, status, success, total_reward, step_count, invalid_action_count, terminated, truncated, final_observation, error, started_at, ended_at';

/**
 * A TrajectoryStore on an SQLite file. Methods are async to honour the contract (other backends
 * are remote) but do their work synchronously.
 *
 * Durability is per episode, not per step: a finished episode is the unit a dataset is made of,
 * and an interrupted episode is re-run from its seed on resume, so losing its last few steps
 * loses nothing of value, while a commit per step would cost most of the loop's time. So:
 *
 * - `appendStep` validates and serialises the step at once (a bad step, an unknown or ended
 *   episode, a repeated or out-of-order `stepIndex` reject that call), then buffers it; its
 *   promise resolves when the step is buffered. Steps of an episode are appended in order from 0.
 * - Buffered steps are committed in one `BEGIN IMMEDIATE` transaction when `groupCommitSteps` of
 *   them are buffered (default 32) or on the next turn of the event loop, whichever comes first:
 *   an agent that waits on anything real (a model server, I/O) commits each step at once; only
 *   fast simulated runs batch.
 * - Every other method commits the buffer first, and `flush()` commits it on demand. `endEpisode`
 *   commits the episode's buffered steps and its end in one transaction and resolves once that is
 *   committed; the other writes are committed before their promise resolves.
 * - So a process killed with SIGKILL loses at most the steps appended since the last commit:
 *   fewer than `groupCommitSteps` whose `appendStep` had resolved (plus one still in flight), all
 *   of episodes not yet ended. Every episode whose `endEpisode` resolved is complete on disk.
 *   An OS crash or power loss may also lose the last commits (WAL with synchronous=NORMAL), but
 *   never corrupts the file.
 * - A group commit made on the next turn of the event loop that fails (disk full, lock held past
 *   the busy timeout) is kept, not thrown: the next call of any method rejects with a StoreError
 *   saying how many steps were lost, of which episodes, and why. A commit made inside a call
 *   (the buffer full, a read, another write, `flush`) fails that call the same way.
 *
 * Resume (`claimRun`, `abortRunningEpisodes`, `listPendingEpisodeIndices`; see `resumeRun`)
 * re-runs an interrupted episode as a new row with the same (run, episode index) and attempt + 1.
 *
 * Several stores, in this or other processes, may write the same file at once: writers wait up
 * to 5 s for the lock. Record each episode through one store: a store checks step order in
 * memory, for the episodes it started or has seen. Call `close()` (or `flush()`) before
 * `process.exit()`, which skips the next turn of the event loop.
 *
 * Storage is JSON for observations and the non-column step fields: record plain data (Dates come
 * back as strings, BigInt and cycles are refused). Throws StoreError for every failure.
 */
export class SqliteTrajectoryStore implements TrajectoryStore {
  /** The file path (or `:memory:`), as it appears in error messages. */
  readonly location: string;
  readonly #database: Database.Database;
  readonly #ownsDatabase: boolean;
  readonly #now: () => number;
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #episodeQueries = new Map<string, Database.Statement>();
  readonly #groupCommitSteps: number;
  /** Commits buffered steps, then an optional write, in one IMMEDIATE transaction. */
  readonly #commitGroup: Database.Transaction<(steps: readonly BufferedStep[], write: (() => unknown) | undefined) => GroupOutcome>;
  /** Runs a write inside the group transaction under a savepoint, so its failure keeps the steps. */
  readonly #savepoint: Database.Transaction<(write: () => unknown) => unknown>;
  /** Steps appended and not committed yet, in append order. */
  #buffer: BufferedStep[] = [];
  /** The next-turn commit, while one is scheduled. */
  #scheduledCommit: NodeJS.Immediate | undefined;
  /** The failure of a next-turn commit, until a call reports it. */
  #deferredFailure: WorldloopError | undefined;
  /** Next `stepIndex` expected for each running episode this store started or has seen. */
  readonly #nextStepIndex = new Map<number, number>();
  #closed = false;

  /** Opens (creating and migrating as needed) the store. Throws StoreError naming the path. */
  constructor(options: SqliteTrajectoryStoreOptions) {
    this.location = options.database === undefined ? options.path : options.database.name;
    this.#ownsDatabase = options.database === undefined;
    this.#now = options.now ?? Date.now;
    this.#groupCommitSteps = options.groupCommitSteps ?? defaultGroupCommitSteps;
    if (!Number.isSafeInteger(this.#groupCommitSteps) || this.#groupCommitSteps < 1) {
      throw new StoreError(
        `Could not open trajectory store ${this.location}: groupCommitSteps is ${String(options.groupCommitSteps)}, not a positive integer; use 1 to commit every step on its own, or leave it out for ${defaultGroupCommitSteps}.`,
        { details: { path: this.location, groupCommitSteps: options.groupCommitSteps } },
      );
    }
    let database: Database.Database | undefined;
    try {
      database = openSqliteDatabase(options);
      runMigrations(database, trajectorySchema);
      this.#statements = prepareStatements(database);
      this.#savepoint = database.transaction((write: () => unknown) => write());
      this.#commitGroup = database.transaction((steps: readonly BufferedStep[], write: (() => unknown) | undefined) =>
        this.#insertGroup(steps, write),
      );
    } catch (error) {
      if (this.#ownsDatabase && database?.open) database.close();
      throw storeFailure('open the database', this.location, error, trajectoryFailure);
    }
    this.#database = database;
  }

  /** Opens the store at `path` (`':memory:'` for a throwaway one). */
  static open(path: string): SqliteTrajectoryStore {
    return new SqliteTrajectoryStore({ path });
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    return this.#write('create a run', () => {
      const { lastInsertRowid } = this.#statements.insertRun.run(runParameters(run, this.#now()));
      return runFromRow(this.#statements.selectRun.get(lastInsertRowid) as RunRow);
    });
  }

  async endRun(runId: number, status: Exclude<RunStatus, 'running'>): Promise<void> {
    this.#write(`end run ${runId}`, () => {
      if ((status as RunStatus) === 'running') throw new Error(`a run cannot end with status "running"; use finished, aborted or failed`);
      const { changes } = this.#statements.endRun.run({ id: runId, status, endedAt: this.#now() });
      if (changes === 0) {
        const row = this.#statements.selectRun.get(runId) as RunRow | undefined;
        throw new Error(
          row === undefined
            ? `run ${runId} does not exist; use the id createRun returned`
            : `run ${runId} has already ended with status "${row.status}"; end a run once`,
        );
      }
    });
  }

  async startEpisode(episode: NewEpisode): Promise<EpisodeRecord> {
    const started = this.#write(
      `start episode ${episode.episodeIndex} of run ${episode.runId}`,
      () => {
        const { lastInsertRowid } = this.#statements.insertEpisode.run(newEpisodeParameters(episode, this.#now()));
        return episodeFromRow(this.#statements.selectEpisode.get(lastInsertRowid) as EpisodeRow);
      },
      { foreignKey: `Run ${episode.runId} does not exist; create it with createRun first.` },
    );
    this.#nextStepIndex.set(started.id, 0);
    return started;
  }

  /**
   * Validates and serialises the step, then buffers it; resolves once it is buffered (see the
   * class comment for when it is committed). Steps of an episode come in order, from 0.
   */
  async appendStep(episodeId: number, step: StepRecord): Promise<void> {
    this.#perform(`append step ${String(step.stepIndex)} to episode ${episodeId}`, () => {
      const parameters = stepParameters(episodeId, step);
      const expected = this.#expectedStepIndex(episodeId);
      if (step.stepIndex !== expected) {
        throw new Error(
          step.stepIndex < expected
            ? `step ${step.stepIndex} is already recorded for episode ${episodeId}; append each step index once`
            : `step ${step.stepIndex} of episode ${episodeId} is out of order: the next step index is ${expected}; append the steps of an episode in order, from 0`,
        );
      }
      this.#nextStepIndex.set(episodeId, expected + 1);
      this.#buffer.push({ episodeId, stepIndex: step.stepIndex, parameters });
      if (this.#buffer.length >= this.#groupCommitSteps) this.#commit();
      else if (this.#scheduledCommit === undefined) this.#scheduledCommit = setImmediate(this.#commitOnNextTurn);
    });
  }

  /** Commits the buffered steps and the episode's end in one transaction; resolves once committed. */
  async endEpisode(episodeId: number, outcome: EpisodeOutcome): Promise<void> {
    try {
      this.#write(`end episode ${episodeId}`, () => {
        if ((outcome.status as EpisodeStatus) === 'running') throw new Error(`an episode cannot end with status "running"; use finished, aborted or failed`);
        const { changes } = this.#statements.endEpisode.run({ id: episodeId, ...outcomeParameters(outcome, this.#now()) });
        if (changes === 0) throw new Error(this.#notRunningReason(episodeId, 'end it again'));
      });
    } finally {
      this.#nextStepIndex.delete(episodeId);
    }
  }

  /** Commits the buffered steps; resolves when everything appended so far is durable. */
  async flush(): Promise<void> {
    this.#perform('commit the buffered steps', () => this.#commit());
  }

  async getRun(runId: number): Promise<RunRecord | undefined> {
    return this.#read(`read run ${runId}`, () => {
      const row = this.#statements.selectRun.get(runId) as RunRow | undefined;
      return row === undefined ? undefined : runFromRow(row);
    });
  }

  /** Runs, newest first. */
  async listRuns(options: { limit?: number } = {}): Promise<readonly RunRecord[]> {
    return this.#read('list runs', () => {
      const rows = this.#statements.listRuns.all(countParameter('limit', options.limit)) as RunRow[];
      return rows.map(runFromRow);
    });
  }

  async getEpisode(episodeId: number): Promise<EpisodeRecord | undefined> {
    return this.#read(`read episode ${episodeId}`, () => {
      const row = this.#statements.selectEpisode.get(episodeId) as EpisodeRow | undefined;
      return row === undefined ? undefined : episodeFromRow(row);
    });
  }

  /**
   * Episodes matching every given field, oldest first (by id). `success` matches ended episodes
   * only: a running episode has no success yet.
   */
  async listEpisodes(filter: EpisodeFilter = {}): Promise<readonly EpisodeRecord[]> {
    return this.#read('list episodes', () => {
      const conditions: string[] = [];
      const parameters: Record<string, string | number> = {
        limit: countParameter('limit', filter.limit),
        offset: filter.offset === undefined ? 0 : countParameter('offset', filter.offset),
      };
      if (filter.runId !== undefined) {
        conditions.push('run_id = @runId');
        parameters.runId = filter.runId;
      }
      if (filter.environmentId !== undefined) {
        conditions.push('environment_id = @environmentId');
        parameters.environmentId = filter.environmentId;
      }
      if (filter.success !== undefined) {
        conditions.push('success = @success');
        parameters.success = filter.success ? 1 : 0;
      }
      if (filter.status !== undefined) {
        conditions.push('status = @status');
        parameters.status = filter.status;
      }
      const rows = this.#episodeQuery(conditions).all(parameters) as EpisodeRow[];
      return rows.map(episodeFromRow);
    });
  }

  /**
   * Resume, step 1: makes `claim.writer` the run's writer and sets its status back to `running`
   * (clearing its end time), in one UPDATE that matches only while the run's writer and status are
   * still `claim.previousWriter` and `claim.previousStatus`: of two processes claiming one run,
   * exactly one wins. Deciding that the previous writer is dead is the caller's job (see
   * `claimRunForResume`). Rejects with StoreError when the run does not exist or changed since.
   */
  async claimRun(runId: number, claim: RunClaim): Promise<RunRecord> {
    return this.#write(`claim run ${runId}`, () => {
      const { changes } = this.#statements.claimRun.run({
        id: runId,
        writer: claim.writer,
        previousWriter: claim.previousWriter ?? null,
        previousStatus: claim.previousStatus,
      });
      const row = this.#statements.selectRun.get(runId) as RunRow | undefined;
      if (row === undefined) throw new Error(`run ${runId} does not exist; list runs with \`worldloop episodes\` or listRuns()`);
      if (changes === 0) {
        throw new Error(
          `run ${runId} changed since it was read (writer ${row.writer ?? 'none'}, status "${row.status}"); another process claimed it first, so leave it to that process`,
        );
      }
      return runFromRow(row);
    });
  }

  /**
   * Resume, step 2: ends every `running` episode of the run as `aborted`, with `reason` as its error
   * and its step count as the steps on disk; returns how many it ended. Call it only after
   * `claimRun`, when no live process writes those episodes.
   */
  async abortRunningEpisodes(runId: number, reason: string): Promise<number> {
    return this.#write(`abort the running episodes of run ${runId}`, () => {
      return this.#statements.abortRunningEpisodes.run({ runId, reason, endedAt: this.#now() }).changes;
    });
  }

  /**
   * Resume, step 3: the indices in [0, episodesRequested) with no attempt ended as `finished` or
   * `failed`, ascending. Rejects with StoreError when the run does not exist.
   */
  async listPendingEpisodeIndices(runId: number): Promise<readonly number[]> {
    return this.#read(`list the pending episodes of run ${runId}`, () => {
      if (this.#statements.selectRun.get(runId) === undefined) throw new Error(`run ${runId} does not exist; list runs with listRuns()`);
      return (this.#statements.selectPendingIndices.all({ runId }) as { episodeIndex: number }[]).map((row) => row.episodeIndex);
    });
  }

  /** Figures per environment id over the ended episodes matching `filter` (see EpisodeStatistics), computed in SQL. */
  async statistics(filter: EpisodeStatisticsFilter = {}): Promise<readonly EpisodeStatistics[]> {
    return this.#read('compute episode statistics', () => episodeStatistics(this.#database, filter));
  }

  /**
   * Steps of one episode by step index, read in pages of 256 so memory stays bounded. No cursor
   * stays open between pages, so other writes on this store go on while a reader is paused.
   * An episode with no steps (or that does not exist) yields nothing.
   */
  async *readSteps(episodeId: number): AsyncGenerator<StepRecord, void, undefined> {
    let after = -1;
    for (;;) {
      const page = this.#read(`read steps of episode ${episodeId}`, () => {
        const rows = this.#statements.selectStepPage.all({ episodeId, after, limit: stepPageSize }) as StepRow[];
        return rows.map(stepFromRow);
      });
      for (const step of page) yield step;
      if (page.length < stepPageSize) return;
      after = page[page.length - 1]!.stepIndex;
    }
  }

  /**
   * Commits the buffered steps, then closes the database if the store opened it. Rejects (after
   * closing) when that commit, or an earlier one on the next turn of the event loop, failed.
   * Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    let failure: unknown;
    try {
      this.#reportDeferredFailure();
      this.#commit();
    } catch (error) {
      failure = error;
    }
    this.#closed = true;
    if (this.#ownsDatabase) {
      try {
        this.#database.close();
      } catch (error) {
        failure ??= storeFailure('close the database', this.location, error, trajectoryFailure);
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Runs `work` on an open store, turning every failure into a StoreError. */
  #perform<Result>(operation: string, work: () => Result, constraintAdvice: { unique?: string; foreignKey?: string } = {}): Result {
    if (this.#closed) {
      throw new StoreError(
        `Could not ${operation}: the trajectory store ${this.location} is closed. Open a new SqliteTrajectoryStore, and close it only after the last write.`,
        { details: { path: this.location } },
      );
    }
    try {
      this.#reportDeferredFailure();
      return work();
    } catch (error) {
      const code = errorCode(error);
      const advice =
        code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
          ? constraintAdvice.unique
          : code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
            ? constraintAdvice.foreignKey
            : undefined;
      throw storeFailure(operation, this.location, error, { ...trajectoryFailure, advice });
    }
  }

  /** A read: commits the buffered steps first, so it sees every step appended before it. */
  #read<Result>(operation: string, work: () => Result): Result {
    return this.#perform(operation, () => {
      this.#commit();
      return work();
    });
  }

  /** A write other than appendStep: committed with the buffered steps, in one transaction. */
  #write<Result>(operation: string, write: () => Result, constraintAdvice: { unique?: string; foreignKey?: string } = {}): Result {
    return this.#perform(operation, () => this.#commit(write), constraintAdvice);
  }

  /**
   * Commits the buffered steps and then `write` (when given) in one IMMEDIATE transaction, and
   * returns what `write` returned; with nothing buffered, `write` runs on its own (autocommit).
   * Throws the group commit failure when steps were lost, else `write`'s own error (the steps
   * stay committed: `write` runs under a savepoint).
   */
  #commit<Result>(write?: () => Result): Result {
    if (this.#scheduledCommit !== undefined) {
      clearImmediate(this.#scheduledCommit);
      this.#scheduledCommit = undefined;
    }
    const steps = this.#buffer;
    if (steps.length === 0) return write?.() as Result;
    this.#buffer = [];
    let outcome: GroupOutcome;
    try {
      outcome = this.#commitGroup.immediate(steps, write);
    } catch (error) {
      throw this.#lose(steps, error);
    }
    const [firstRefused] = outcome.refused;
    if (firstRefused !== undefined) throw this.#lose(outcome.refused.map(({ step }) => step), firstRefused.error);
    if ('error' in outcome.write) throw outcome.write.error;
    return outcome.write.value as Result;
  }

  /**
   * The body of the group transaction. A step SQLite refuses (a constraint, an episode another
   * connection ended) is set aside and the others are kept; any other error fails the group.
   */
  #insertGroup(steps: readonly BufferedStep[], write: (() => unknown) | undefined): GroupOutcome {
    const database = this.#database;
    const refused: { step: BufferedStep; error: unknown }[] = [];
    for (const step of steps) {
      try {
        if (this.#statements.insertStep.run(step.parameters).changes === 0) {
          refused.push({ step, error: new Error(this.#notRunningReason(step.episodeId, 'append steps to it')) });
        }
      } catch (error) {
        if (!errorCode(error)?.startsWith('SQLITE_CONSTRAINT') || !database.inTransaction) throw error;
        refused.push({ step, error });
      }
    }
    if (write === undefined) return { refused, write: { value: undefined } };
    try {
      return { refused, write: { value: this.#savepoint(write) } };
    } catch (error) {
      if (!database.inTransaction) throw error;
      return { refused, write: { error } };
    }
  }

  /** The failure for steps that were not committed; forgets the order of their episodes. */
  #lose(steps: readonly BufferedStep[], cause: unknown): StoreError {
    for (const { episodeId } of steps) this.#nextStepIndex.delete(episodeId);
    return groupCommitFailure(this.location, steps, cause);
  }

  /** The next-turn commit: its failure is kept for the next call, never thrown. */
  readonly #commitOnNextTurn = (): void => {
    this.#scheduledCommit = undefined;
    try {
      this.#commit();
    } catch (error) {
      this.#deferredFailure ??= storeFailure('commit the buffered steps', this.location, error, trajectoryFailure);
    }
  };

  /** Throws (once) the failure of a next-turn commit. */
  #reportDeferredFailure(): void {
    const failure = this.#deferredFailure;
    if (failure === undefined) return;
    this.#deferredFailure = undefined;
    throw failure;
  }

  /** The `stepIndex` the next step of a running episode must have; throws when it is not running. */
  #expectedStepIndex(episodeId: number): number {
    const known = this.#nextStepIndex.get(episodeId);
    if (known !== undefined) return known;
    const row = this.#statements.selectEpisodeProgress.get(episodeId) as { status: EpisodeStatus; lastStepIndex: number | null } | undefined;
    if (row?.status !== 'running') throw new Error(this.#notRunningReason(episodeId, 'append steps to it'));
    const next = (row.lastStepIndex ?? -1) + 1;
    this.#nextStepIndex.set(episodeId, next);
    return next;
  }

  /** Why a write to an episode that must be running changed nothing. */
  #notRunningReason(episodeId: number, what: string): string {
    const row = this.#statements.selectEpisode.get(episodeId) as EpisodeRow | undefined;
    return row === undefined
      ? `episode ${episodeId} does not exist; use the id startEpisode returned`
      : `episode ${episodeId} has already ended with status "${row.status}", so you cannot ${what}`;
  }

  /** The episode listing for this set of conditions, prepared once per set (at most 16). */
  #episodeQuery(conditions: readonly string[]): Database.Statement {
    const key = conditions.join(' AND ');
    let statement = this.#episodeQueries.get(key);
    if (statement === undefined) {
      const where = conditions.length === 0 ? '' : `WHERE ${key}`;
      statement = this.#database.prepare(`SELECT ${episodeColumns} FROM episodes ${where} ORDER BY id LIMIT @limit OFFSET @offset`);
      this.#episodeQueries.set(key, statement);
    }
    return statement;
  }
}

/** The statements every operation uses, prepared once per store. */
function prepareStatements(database: Database.Database) {
  return {
    insertRun: database.prepare(`
      INSERT INTO runs (environment_id, policy, episodes_requested, base_seed, concurrency, max_steps, config,
                        worldloop_version, git_commit, writer, status, started_at)
      VALUES (@environmentId, @policy, @episodesRequested, @baseSeed, @concurrency, @maxSteps, @config,
              @worldloopVersion, @gitCommit, @writer, 'running', @startedAt)`),
    claimRun: database.prepare(`
      UPDATE runs SET writer = @writer, status = 'running', ended_at = NULL
      WHERE id = @id AND writer IS @previousWriter AND status = @previousStatus`),
    abortRunningEpisodes: database.prepare(`
      UPDATE episodes SET status = 'aborted', error = @reason, ended_at = @endedAt,
                          step_count = (SELECT count(*) FROM steps WHERE episode_id = episodes.id)
      WHERE run_id = @runId AND status = 'running'`),
    // Every index of the run that no attempt completed; uses episodes_by_run (run_id, episode_index).
    selectPendingIndices: database.prepare(`
      WITH RECURSIVE requested (episodeIndex) AS (
        SELECT 0 FROM runs WHERE id = @runId AND episodes_requested > 0
        UNION ALL
        SELECT episodeIndex + 1 FROM requested
        WHERE episodeIndex + 1 < (SELECT episodes_requested FROM runs WHERE id = @runId)
      )
      SELECT episodeIndex FROM requested
      WHERE NOT EXISTS (SELECT 1 FROM episodes
                        WHERE run_id = @runId AND episode_index = requested.episodeIndex AND status IN ('finished', 'failed'))
      ORDER BY episodeIndex`),
    endRun: database.prepare(`UPDATE runs SET status = @status, ended_at = @endedAt WHERE id = @id AND status = 'running'`),
    selectRun: database.prepare('SELECT * FROM runs WHERE id = ?'),
    listRuns: database.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?'),
    // attempt counts earlier starts of the same episode index in the run (a resume re-runs it).
    insertEpisode: database.prepare(`
      INSERT INTO episodes (run_id, episode_index, attempt, seed, environment_id, mission, status, started_at)
      VALUES (@runId, @episodeIndex,
              (SELECT coalesce(max(attempt), 0) + 1 FROM episodes WHERE run_id = @runId AND episode_index = @episodeIndex),
              @seed, @environmentId, @mission, 'running', @startedAt)`),
    endEpisode: database.prepare(`
      UPDATE episodes SET status = @status, success = @success, total_reward = @totalReward, step_count = @stepCount,
                          invalid_action_count = @invalidActionCount, terminated = @terminated, truncated = @truncated,
                          final_observation = @finalObservation, error = @error, ended_at = @endedAt
      WHERE id = @id AND status = 'running'`),
    selectEpisode: database.prepare(`SELECT ${episodeColumns} FROM episodes WHERE id = ?`),
    selectEpisodeProgress: database.prepare(`
      SELECT status, (SELECT max(step_index) FROM steps WHERE episode_id = episodes.id) AS lastStepIndex
      FROM episodes WHERE id = ?`),
    // Inserts nothing unless the episode is running (another connection may have ended it); the caller reports why.
    insertStep: database.prepare(`
      INSERT INTO steps (episode_id, step_index, observation, action, executed_action, accepted, feedback, reward,
                         terminated, truncated, record, started_at)
      SELECT @episodeId, @stepIndex, @observation, @action, @executedAction, @accepted, @feedback, @reward,
             @terminated, @truncated, @record, @startedAt
      WHERE EXISTS (SELECT 1 FROM episodes WHERE id = @episodeId AND status = 'running')`),
    selectStepPage: database.prepare(`
      SELECT * FROM steps WHERE episode_id = @episodeId AND step_index > @after ORDER BY step_index LIMIT @limit`),
  };
}

/** A limit or offset as SQLite takes it: -1 (no limit) when absent; refuses non-counts. */
function countParameter(name: string, value: number | undefined): number {
  if (value === undefined) return -1;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}
