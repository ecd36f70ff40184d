// TrajectoryStore on one SQLite file: WAL, synchronous=NORMAL, busy_timeout 5000 ms, foreign keys on, one commit
// per appendStep. A resolved step survives the process being killed (SIGKILL); OS crash or power loss may lose the last ones.
import type Database from 'better-sqlite3';
import { StoreError } from '@worldloop/spec';
import type {
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
import { episodeFromRow, newEpisodeParameters, outcomeParameters, type EpisodeRow } from './episode-row.js';
import { applyMigrations } from './migrations.js';
import { configureSqliteDatabase, openSqliteDatabase } from './open-sqlite-database.js';
import { runFromRow, runParameters, type RunRow } from './run-row.js';
import { stepFromRow, stepParameters, type StepRow } from './step-row.js';
import { errorCode, storeFailure } from './store-failure.js';

/** Where the store keeps its data: a file path, or a better-sqlite3 connection you opened. */
export type SqliteTrajectoryStoreOptions = (
  | {
      /** Database file; parent directories are created. `':memory:'` keeps everything in memory. */
      readonly path: string;
      readonly database?: never;
    }
  | {
      /**
       * An open connection (LangGraph-checkpointer style). The store sets the same pragmas and
       * migrates it, but does not close it: whoever opened it closes it.
       */
      readonly database: Database.Database;
      readonly path?: never;
    }
) & {
  /** Clock for `startedAt`/`endedAt`, in ms since the epoch (for deterministic tests). */
  readonly now?: () => number;
};

/** Steps read per query by `readSteps`: bounds its memory, keeps no cursor open between pages. */
const stepPageSize = 256;

const episodeColumns =
  'id, run_id, episode_index, attempt, seed, environment_id, mission, status, success, total_reward, step_count, invalid_action_count, terminated, truncated, final_observation, error, started_at, ended_at';

/**
 * A TrajectoryStore on an SQLite file. Methods are async to honour the contract (other backends
 * are remote) but do their work synchronously; each write is one autocommit transaction, so a
 * resolved `appendStep` is on disk (in the WAL) and survives a killed process. Several stores,
 * in this or other processes, may write the same file at once: writers wait up to 5 s for the lock.
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
  #closed = false;

  /** Opens (creating and migrating as needed) the store. Throws StoreError naming the path. */
  constructor(options: SqliteTrajectoryStoreOptions) {
    this.location = options.database === undefined ? options.path : options.database.name;
    this.#ownsDatabase = options.database === undefined;
    this.#now = options.now ?? Date.now;
    let database: Database.Database | undefined;
    try {
      if (options.database === undefined) {
        database = openSqliteDatabase(options.path);
      } else {
        database = options.database;
        configureSqliteDatabase(database);
      }
      applyMigrations(database);
      this.#statements = prepareStatements(database);
    } catch (error) {
      if (this.#ownsDatabase && database?.open) database.close();
      throw storeFailure('open the database', this.location, error, openAdvice(error));
    }
    this.#database = database;
  }

  /** Opens the store at `path` (`':memory:'` for a throwaway one). */
  static open(path: string): SqliteTrajectoryStore {
    return new SqliteTrajectoryStore({ path });
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    return this.#perform('create a run', () => {
      const { lastInsertRowid } = this.#statements.insertRun.run(runParameters(run, this.#now()));
      return runFromRow(this.#statements.selectRun.get(lastInsertRowid) as RunRow);
    });
  }

  async endRun(runId: number, status: Exclude<RunStatus, 'running'>): Promise<void> {
    this.#perform(`end run ${runId}`, () => {
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
    return this.#perform(
      `start episode ${episode.episodeIndex} of run ${episode.runId}`,
      () => {
        const { lastInsertRowid } = this.#statements.insertEpisode.run(newEpisodeParameters(episode, this.#now()));
        return episodeFromRow(this.#statements.selectEpisode.get(lastInsertRowid) as EpisodeRow);
      },
      { foreignKey: `Run ${episode.runId} does not exist; create it with createRun first.` },
    );
  }

  async appendStep(episodeId: number, step: StepRecord): Promise<void> {
    this.#perform(
      `append step ${step.stepIndex} to episode ${episodeId}`,
      () => {
        const { changes } = this.#statements.insertStep.run(stepParameters(episodeId, step));
        if (changes === 0) throw new Error(this.#notRunningReason(episodeId, 'append steps to it'));
      },
      { unique: `Step ${step.stepIndex} is already recorded for episode ${episodeId}; append each step index once.` },
    );
  }

  async endEpisode(episodeId: number, outcome: EpisodeOutcome): Promise<void> {
    this.#perform(`end episode ${episodeId}`, () => {
      if ((outcome.status as EpisodeStatus) === 'running') throw new Error(`an episode cannot end with status "running"; use finished, aborted or failed`);
      const { changes } = this.#statements.endEpisode.run({ id: episodeId, ...outcomeParameters(outcome, this.#now()) });
      if (changes === 0) throw new Error(this.#notRunningReason(episodeId, 'end it again'));
    });
  }

  async getRun(runId: number): Promise<RunRecord | undefined> {
    return this.#perform(`read run ${runId}`, () => {
      const row = this.#statements.selectRun.get(runId) as RunRow | undefined;
      return row === undefined ? undefined : runFromRow(row);
    });
  }

  /** Runs, newest first. */
  async listRuns(options: { limit?: number } = {}): Promise<readonly RunRecord[]> {
    return this.#perform('list runs', () => {
      const rows = this.#statements.listRuns.all(countParameter('limit', options.limit)) as RunRow[];
      return rows.map(runFromRow);
    });
  }

  async getEpisode(episodeId: number): Promise<EpisodeRecord | undefined> {
    return this.#perform(`read episode ${episodeId}`, () => {
      const row = this.#statements.selectEpisode.get(episodeId) as EpisodeRow | undefined;
      return row === undefined ? undefined : episodeFromRow(row);
    });
  }

  /**
   * Episodes matching every given field, oldest first (by id). `success` matches ended episodes
   * only: a running episode has no success yet.
   */
  async listEpisodes(filter: EpisodeFilter = {}): Promise<readonly EpisodeRecord[]> {
    return this.#perform('list episodes', () => {
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
   * Steps of one episode by step index, read in pages of 256 so memory stays bounded. No cursor
   * stays open between pages, so other writes on this store go on while a reader is paused.
   * An episode with no steps (or that does not exist) yields nothing.
   */
  async *readSteps(episodeId: number): AsyncGenerator<StepRecord, void, undefined> {
    let after = -1;
    for (;;) {
      const page = this.#perform(`read steps of episode ${episodeId}`, () => {
        const rows = this.#statements.selectStepPage.all({ episodeId, after, limit: stepPageSize }) as StepRow[];
        return rows.map(stepFromRow);
      });
      for (const step of page) yield step;
      if (page.length < stepPageSize) return;
      after = page[page.length - 1]!.stepIndex;
    }
  }

  /** Closes the database if the store opened it. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsDatabase) return;
    try {
      this.#database.close();
    } catch (error) {
      throw storeFailure('close the database', this.location, error);
    }
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
      return work();
    } catch (error) {
      const code = errorCode(error);
      const advice =
        code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
          ? constraintAdvice.unique
          : code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
            ? constraintAdvice.foreignKey
            : undefined;
      throw storeFailure(operation, this.location, error, advice);
    }
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
                        worldloop_version, git_commit, status, started_at)
      VALUES (@environmentId, @policy, @episodesRequested, @baseSeed, @concurrency, @maxSteps, @config,
              @worldloopVersion, @gitCommit, 'running', @startedAt)`),
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
    // Inserts nothing unless the episode is running; the caller reports why.
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

/** Advice for an open failure that is not an SQLite error (directories, migrations). */
function openAdvice(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'A parent of the path is a file, not a directory; choose another path.';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'The directory is not writable; choose a writable path.';
  return undefined;
}
