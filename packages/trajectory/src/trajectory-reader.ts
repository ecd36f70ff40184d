// Reads a trajectory database for exports: episodes in pages, steps through a cursor, all inside one
// read transaction (one consistent snapshot, writers go on). Memory stays flat in the number of steps.
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreError, type EpisodeOutcome, type NewEpisode, type ObservationRecord, type RunRecord, type StepRecord } from '@worldloop/spec';
import { openSqliteDatabase, runMigrations, storeFailure } from '@worldloop/sqlite';
import type { EpisodeRow as StoredEpisodeRow } from './episode-row.js';
import { episodeSelection, type ExportFilter } from './export-filter.js';
import { fromJsonColumn } from './json-column.js';
import { runFromRow, type RunRow } from './run-row.js';
import { stepFromRow, type StepRow } from './step-row.js';
import { trajectoryFailure } from './trajectory-failure.js';
import { trajectorySchema } from './trajectory-schema.js';

/**
 * A finished episode as exports see it (the latest attempt of its run and index): how it started
 * and how it ended, without the status and error (exports read finished episodes only).
 */
export interface ExportEpisode extends NewEpisode, Omit<EpisodeOutcome, 'status' | 'error'> {
  readonly id: number;
  readonly attempt: number;
}

/** The columns of a step that tabular exports need, read without decoding the step record. */
export interface StepSummary {
  readonly stepIndex: number;
  /** The observation's text. */
  readonly observationText: string;
  /** The observation's discrete features as JSON text, or null when it has none. */
  readonly featuresJson: string | null;
  /** The action the environment received (after guards), else the proposed one. */
  readonly action: string;
  readonly accepted: boolean;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** Episodes sharing an environment, seed and mission, some successful and some not (preference pairs). */
export interface EpisodeFamily {
  readonly environmentId: string;
  readonly seed: number;
  readonly mission?: string;
  /** The successful episode with the highest reward, then the fewest steps. */
  readonly chosenEpisodeId: number;
  /** The failed episode with the lowest reward, then the most steps. */
  readonly rejectedEpisodeId: number;
}

/** The episode columns exports read (`episodeColumns`). */
type EpisodeRow = Pick<
  StoredEpisodeRow,
  'id' | 'run_id' | 'episode_index' | 'attempt' | 'seed' | 'environment_id' | 'mission' | 'success' | 'total_reward' | 'step_count' | 'invalid_action_count' | 'terminated' | 'truncated' | 'final_observation'
>;

/** A step summary row as an array: step_index, observation_text, features, action, accepted, reward, terminated, truncated. */
type StepSummaryRow = readonly [number, string | null, string | null, string, number, number, number, number];

/** Rows per page of the episode listing: bounds memory, and no cursor stays open while steps are read. */
const episodePageSize = 256;

const episodeColumns =
  'e.id, e.run_id, e.episode_index, e.attempt, e.seed, e.environment_id, e.mission, e.success, e.total_reward, e.step_count, e.invalid_action_count, e.terminated, e.truncated, e.final_observation';

/**
 * A read-only view of a trajectory database for exporters. Opening migrates a file from an older
 * worldloop (as every store does), refuses a file from a newer one (StoreError saying to upgrade),
 * and refuses a path with no database or a database without trajectories. The connection is then
 * query-only and holds one read transaction until `close()`, so an export sees one snapshot even
 * while a run is recording into the same file (writers go on; WAL checkpoints wait for the export).
 *
 * Episodes come in pages by id; steps come through a cursor. Read the steps of one episode at a
 * time, to the end (or `return()` the generator), before asking for the next.
 */
export class TrajectoryReader {
  /** The file path, as it appears in messages. */
  readonly location: string;
  readonly #database: Database.Database;
  readonly #statements: Map<string, Database.Statement> = new Map();

  private constructor(location: string, database: Database.Database) {
    this.location = location;
    this.#database = database;
  }

  /** Opens the database at `path`. Throws StoreError naming the path and what to do. */
  static open(path: string): TrajectoryReader {
    if (path !== ':memory:' && !existsSync(path)) {
      throw new StoreError(`There is no trajectory database at ${path}; record a run first (worldloop run ... --db ${path}) or point at an existing file.`, {
        details: { path },
      });
    }
    let database: Database.Database | undefined;
    try {
      database = openSqliteDatabase({ path });
      const known = database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(trajectorySchema.table);
      if (known === undefined) {
        throw new StoreError(`${path} holds no worldloop trajectories (no ${trajectorySchema.table} table); point at the database \`worldloop run\` recorded to.`, {
          details: { path },
        });
      }
      runMigrations(database, trajectorySchema);
      database.pragma('query_only = ON');
      database.exec('BEGIN');
      // The first read fixes the snapshot every later read of this export sees.
      database.prepare('SELECT count(*) FROM runs').pluck().get();
    } catch (error) {
      if (database?.open) database.close();
      throw storeFailure('open the database for export', path, error, trajectoryFailure);
    }
    return new TrajectoryReader(path, database);
  }

  /** Finished episodes matching `filter` (latest attempts only), by id. */
  *episodes(filter: ExportFilter = {}): Generator<ExportEpisode, void, undefined> {
    const selection = episodeSelection(filter);
    const statement = this.#statement(`SELECT ${episodeColumns} FROM episodes e WHERE ${selection.where} AND e.id > @after ORDER BY e.id LIMIT ${episodePageSize}`);
    let after = 0;
    for (;;) {
      const page = this.#read('list episodes', () => statement.all({ ...selection.parameters, after }) as EpisodeRow[]);
      for (const row of page) yield exportEpisode(row);
      if (page.length < episodePageSize) return;
      after = page.at(-1)!.id;
    }
  }

  /** One episode by id, whatever its status; undefined when there is none. */
  episode(episodeId: number): ExportEpisode | undefined {
    const row = this.#read(`read episode ${episodeId}`, () => this.#statement(`SELECT ${episodeColumns} FROM episodes e WHERE e.id = ?`).get(episodeId) as EpisodeRow | undefined);
    return row === undefined ? undefined : exportEpisode(row);
  }

  /** The steps of one episode, fully decoded, by step index. */
  *steps(episodeId: number): Generator<StepRecord, void, undefined> {
    const statement = this.#statement('SELECT * FROM steps WHERE episode_id = ? ORDER BY step_index');
    for (const row of this.#iterate('read steps', statement, episodeId)) yield stepFromRow(row as StepRow);
  }

  /** The tabular columns of one episode's steps, by step index, without decoding the step records. */
  *stepSummaries(episodeId: number): Generator<StepSummary, void, undefined> {
    const statement = this.#statement(`
      SELECT step_index, json_extract(observation, '$.text') AS observation_text, json_extract(observation, '$.features') AS features,
             coalesce(executed_action, action) AS action, accepted, reward, terminated, truncated
      FROM steps WHERE episode_id = ? ORDER BY step_index`);
    // Rows as arrays (in the column order above): the hot path of tabular exports.
    statement.raw(true);
    for (const row of this.#iterate('read steps', statement, episodeId) as IterableIterator<StepSummaryRow>) {
      yield {
        stepIndex: row[0],
        observationText: row[1] ?? '',
        featuresJson: row[2],
        action: row[3],
        accepted: row[4] === 1,
        reward: row[5],
        terminated: row[6] === 1,
        truncated: row[7] === 1,
      };
    }
  }

  /**
   * Families of selected episodes with the same environment, seed and mission where at least one
   * succeeded and one failed, by their first episode id; one chosen / rejected pair per family.
   */
  *episodeFamilies(filter: ExportFilter = {}): Generator<EpisodeFamily, void, undefined> {
    const selection = episodeSelection(filter);
    const statement = this.#statement(`
      WITH selected AS (SELECT e.* FROM episodes e WHERE ${selection.where}),
      families AS (
        SELECT environment_id, seed, coalesce(mission, '') AS mission_key, min(mission) AS mission, min(id) AS first_id
        FROM selected GROUP BY environment_id, seed, coalesce(mission, '')
        HAVING max(success) = 1 AND min(success) = 0 AND min(id) > @after
        ORDER BY first_id LIMIT ${episodePageSize})
      SELECT f.environment_id, f.seed, f.mission, f.first_id,
        (SELECT s.id FROM selected s WHERE s.environment_id = f.environment_id AND s.seed = f.seed AND coalesce(s.mission, '') = f.mission_key AND s.success = 1
         ORDER BY s.total_reward DESC, s.step_count ASC, s.id ASC LIMIT 1) AS chosen_id,
        (SELECT s.id FROM selected s WHERE s.environment_id = f.environment_id AND s.seed = f.seed AND coalesce(s.mission, '') = f.mission_key AND s.success = 0
         ORDER BY s.total_reward ASC, s.step_count DESC, s.id ASC LIMIT 1) AS rejected_id
      FROM families f ORDER BY f.first_id`);
    let after = 0;
    for (;;) {
      const page = this.#read('group episodes into families', () => statement.all({ ...selection.parameters, after })) as {
        environment_id: string;
        seed: number;
        mission: string | null;
        first_id: number;
        chosen_id: number;
        rejected_id: number;
      }[];
      for (const row of page) {
        yield {
          environmentId: row.environment_id,
          seed: row.seed,
          ...(row.mission !== null ? { mission: row.mission } : {}),
          chosenEpisodeId: row.chosen_id,
          rejectedEpisodeId: row.rejected_id,
        };
      }
      if (page.length < episodePageSize) return;
      after = page.at(-1)!.first_id;
    }
  }

  /** The runs with these ids, by id (ids that do not exist are left out). */
  runs(runIds: Iterable<number>): RunRecord[] {
    const ids = JSON.stringify([...runIds]);
    const rows = this.#read('read runs', () => this.#statement('SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(ids) as RunRow[]);
    return rows.map(runFromRow);
  }

  /** Ends the read transaction and closes the connection. */
  close(): void {
    if (!this.#database.open) return;
    if (this.#database.inTransaction) this.#database.exec('COMMIT');
    this.#database.close();
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#read('prepare a query', () => this.#database.prepare(sql));
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #read<Result>(operation: string, read: () => Result): Result {
    try {
      return read();
    } catch (error) {
      throw storeFailure(operation, this.location, error, trajectoryFailure);
    }
  }

  *#iterate(operation: string, statement: Database.Statement, ...parameters: unknown[]): Generator<unknown, void, undefined> {
    const iterator = this.#read(operation, () => statement.iterate(...parameters));
    try {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = iterator.next();
        } catch (error) {
          throw storeFailure(operation, this.location, error, trajectoryFailure);
        }
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      iterator.return?.();
    }
  }
}

function exportEpisode(row: EpisodeRow): ExportEpisode {
  return {
    id: row.id,
    runId: row.run_id,
    episodeIndex: row.episode_index,
    attempt: row.attempt,
    seed: row.seed,
    environmentId: row.environment_id,
    ...(row.mission !== null ? { mission: row.mission } : {}),
    success: row.success === 1,
    totalReward: row.total_reward ?? 0,
    stepCount: row.step_count ?? 0,
    invalidActionCount: row.invalid_action_count ?? 0,
    terminated: row.terminated === 1,
    truncated: row.truncated === 1,
    ...(row.final_observation !== null ? { finalObservation: fromJsonColumn<ObservationRecord>(row.final_observation) } : {}),
  };
}
