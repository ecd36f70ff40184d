// Schema migrations of the trajectory store: a numbered list applied in order, all pending ones in
// one IMMEDIATE transaction, recorded in `trajectory_migrations` (so the file can be shared).
import type Database from 'better-sqlite3';

/** One schema change. `up` runs inside the migration transaction and must be synchronous. */
export interface Migration {
  /** 1, 2, 3, ... with no gaps; the schema version after this migration. */
  readonly version: number;
  /** What it does, kebab-case (`initial-schema`). */
  readonly name: string;
  up(database: Database.Database): void;
}

/** What `applyMigrations` did. */
export interface MigrationResult {
  /** Schema version found in the file (0 for a fresh file). */
  readonly fromVersion: number;
  /** Schema version after migrating. */
  readonly toVersion: number;
}

/**
 * The trajectory schema, oldest first. Never edit a released migration: add one.
 *
 * Design notes for later migrations: steps are keyed by (episode_id, step_index) and episodes by
 * an autoincrement id, so resume re-runs an interrupted episode as a new episode row with the same
 * (run_id, episode_index) and `attempt` + 1; exporters take the latest attempt per index.
 */
export const trajectoryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial-schema',
    up(database) {
      database.exec(`
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          environment_id TEXT NOT NULL,
          policy TEXT NOT NULL,
          episodes_requested INTEGER NOT NULL,
          base_seed INTEGER NOT NULL,
          concurrency INTEGER NOT NULL,
          max_steps INTEGER,
          config TEXT NOT NULL,
          worldloop_version TEXT NOT NULL,
          git_commit TEXT,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'failed')),
          started_at INTEGER NOT NULL,
          ended_at INTEGER
        ) STRICT;

        CREATE TABLE episodes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL REFERENCES runs (id),
          episode_index INTEGER NOT NULL,
          attempt INTEGER NOT NULL DEFAULT 1,
          seed INTEGER NOT NULL,
          environment_id TEXT NOT NULL,
          mission TEXT,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'failed')),
          success INTEGER CHECK (success IN (0, 1)),
          total_reward REAL,
          step_count INTEGER,
          invalid_action_count INTEGER,
          terminated INTEGER CHECK (terminated IN (0, 1)),
          truncated INTEGER CHECK (truncated IN (0, 1)),
          final_observation TEXT,
          error TEXT,
          started_at INTEGER NOT NULL,
          ended_at INTEGER
        ) STRICT;
        -- Not unique: a resumed run records a second attempt of an interrupted episode.
        CREATE INDEX episodes_by_run ON episodes (run_id, episode_index);

        CREATE TABLE steps (
          episode_id INTEGER NOT NULL REFERENCES episodes (id),
          step_index INTEGER NOT NULL CHECK (step_index >= 0),
          observation TEXT NOT NULL,
          action TEXT NOT NULL,
          executed_action TEXT,
          accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
          feedback TEXT,
          reward REAL NOT NULL,
          terminated INTEGER NOT NULL CHECK (terminated IN (0, 1)),
          truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
          record TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          PRIMARY KEY (episode_id, step_index)
        ) STRICT;
      `);
    },
  },
];

/**
 * Brings the schema of `database` up to the last of `migrations`. Cheap when nothing is pending
 * (one read, no write lock). Safe when several processes open a fresh file at once: the version
 * is re-read under the write lock. Throws when the file's version is newer than the list knows,
 * or when the list is not numbered 1..n; a failing migration rolls back every pending one.
 */
export function applyMigrations(
  database: Database.Database,
  migrations: readonly Migration[] = trajectoryMigrations,
  now: () => number = Date.now,
): MigrationResult {
  migrations.forEach((migration, position) => {
    if (migration.version !== position + 1) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version} at position ${position + 1}; number migrations 1, 2, 3, ... without gaps`);
    }
  });
  const latest = migrations.length;
  const fromVersion = currentVersion(database);
  if (fromVersion > latest) throw newerSchemaError(fromVersion, latest);
  if (fromVersion === latest) return { fromVersion, toVersion: latest };

  const migrate = database.transaction((): MigrationResult => {
    database.exec(`
      CREATE TABLE IF NOT EXISTS trajectory_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      ) STRICT
    `);
    // Another process may have migrated between the first read and taking the write lock.
    const found = currentVersion(database);
    if (found > latest) throw newerSchemaError(found, latest);
    const record = database.prepare('INSERT INTO trajectory_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations.slice(found)) {
      migration.up(database);
      record.run(migration.version, migration.name, now());
    }
    return { fromVersion: found, toVersion: latest };
  });
  return migrate.immediate();
}

function currentVersion(database: Database.Database): number {
  const table = database
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'trajectory_migrations'")
    .get();
  if (table === undefined) return 0;
  const row = database.prepare('SELECT max(version) AS version FROM trajectory_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

function newerSchemaError(found: number, latest: number): Error {
  return new Error(
    `the file has trajectory schema version ${found} but this @worldloop/trajectory knows versions up to ${latest}; it was written by a newer worldloop, so upgrade @worldloop/trajectory or use another file`,
  );
}
